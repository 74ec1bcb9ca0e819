//! Repository functions for expert review: the expert pool, rounds, assignments, scores
//! and random draws.
