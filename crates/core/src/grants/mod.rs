//! Rules of the grants context: call windows, quotas, eligibility, bonuses, forms.
//! Every figure comes from the call's data; nothing here knows a city.

pub mod application;
pub mod bonus;
pub mod call;
pub mod eligibility;
pub mod form;
pub mod letter;
pub mod quota;
pub mod window;
