//! Pure domain rules of Kechuang: no IO, no async, no database, no HTTP.

pub mod audit;
pub mod credit_code;
pub mod grants;
pub mod identity;
pub mod notify;
pub mod password;
pub mod routing;
