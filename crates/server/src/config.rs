//! Settings: defaults, then `kechuang.toml`, then `KC_*` variables (`__` separates
//! sections: `KC_AUTH__LOCKOUT_THRESHOLD=10`).

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use kc_api::settings::Settings;
use tracing_subscriber::EnvFilter;

pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
    let mut figment = Figment::from(Serialized::defaults(Settings::default()));
    figment = match file {
        Some(path) => figment.merge(Toml::file_exact(path)),
        None => figment.merge(Toml::file("kechuang.toml")),
    };
    let settings: Settings = figment
        .merge(Env::prefixed("KC_").split("__").ignore(&["config", "test_pg_url", "admin_password"]))
        .extract()
        .map_err(|e| anyhow::anyhow!("invalid settings: {e}"))?;
    Ok(settings)
}

pub fn init_logging(settings: &Settings) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if settings.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}
