//! Container, volume and image operations on a connected engine.
