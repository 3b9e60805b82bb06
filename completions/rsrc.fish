complete --keep-order --exclusive --command rsrc --arguments "(COMPLETE=fish rsrc -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
