//! `rsrc phone verify CODE`: proves the phone number set with `rsrc profile update --phone`.

use clap::Subcommand;
use rsrc_shared::api::PhoneVerify;

use crate::error::CliResult;
use crate::Ctx;

#[derive(Debug, Subcommand)]
pub enum PhoneCmd {
    /// Verify your phone number with the code it got by SMS.
    ///
    /// Until then the number gets no alerts. A new code comes with `rsrc profile update --phone
    /// NUMBER` (at most one a minute).
    Verify {
        /// The 6-digit code from the SMS.
        code: String,
    },
}

pub async fn run(ctx: &mut Ctx, cmd: PhoneCmd) -> CliResult {
    match cmd {
        PhoneCmd::Verify { code } => {
            let code = super::account::parse_code(&code)?;
            let user = ctx
                .client
                .accounts()
                .phone_verify(&PhoneVerify { code })
                .await?;
            let phone = user.phone.clone().unwrap_or_default();
            ctx.out.custom(
                &user,
                &format!("verified {phone}\n"),
                std::slice::from_ref(&phone),
            );
        }
    }
    Ok(())
}
