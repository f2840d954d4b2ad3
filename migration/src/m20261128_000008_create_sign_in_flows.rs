//! Sign-in through identity providers: the one-time login state of each authorization request
//! (kept in the database so that any replica can finish a sign-in another one started), and
//! which provider a session came from (for signing out there too).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::dsl::{TableDef, drop_all};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TableDef::new("login_states")
            .col(string_len("provider", 32))
            // SHA-256 of the `state` sent to the provider; the state itself is not kept.
            .col(string_len("state_hash", 64))
            .unique(&["state_hash"])
            // SHA-256 of the random value in the browser's pre-login cookie: the callback must
            // come from the browser that started the sign-in.
            .col(string_len("browser_hash", 64))
            .col(string_len("nonce", 128))
            .col(string_len("pkce_verifier", 128))
            .col(string_len("return_to", 500))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("expires_at"))
            .index(&["expires_at"])
            .create(manager)
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .add_column(string_len_null("provider", 32))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .drop_column("provider")
                    .to_owned(),
            )
            .await?;
        drop_all(manager, &["login_states"]).await
    }
}
