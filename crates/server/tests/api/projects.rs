//! Funding decisions, public notice, award and the funded project over HTTP.
