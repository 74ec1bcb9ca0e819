//! Expert pool, review rounds, assignment, scoring and ranking over HTTP.
