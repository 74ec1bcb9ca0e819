//! Rules of the grants context: call windows, quotas, eligibility, bonuses, forms, expert
//! review and scoring, awards and the funded project's life.
//! Every figure comes from the call's data; nothing here knows a city.

pub mod application;
pub mod award;
pub mod bonus;
pub mod call;
pub mod eligibility;
pub mod form;
pub mod letter;
pub mod project;
pub mod quota;
pub mod review;
pub mod scoring;
pub mod window;
