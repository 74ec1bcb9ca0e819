//! The hash chain of the audit log: each entry's hash covers its content and the
//! previous entry's hash, so altering, removing or reordering any entry breaks the chain.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash that precedes the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Everything an audit entry records, in the form that is hashed.
#[derive(Debug, Clone, Serialize)]
pub struct AuditContent<'a> {
    pub seq: i64,
    /// Microseconds since the Unix epoch (both databases keep microseconds exactly).
    pub at_micros: i64,
    pub actor_id: Option<&'a str>,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// The hash of an entry given the previous entry's hash.
pub fn entry_hash(prev_hash: &str, content: &AuditContent<'_>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    // serde_json writes struct fields in declaration order: a stable encoding.
    hasher.update(serde_json::to_vec(content).unwrap_or_default());
    hex::encode(hasher.finalize())
}

/// Where a chain first goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's recorded previous hash is not the hash of the entry before it.
    Link { seq: i64 },
    /// The entry's recorded hash does not match its content.
    Content { seq: i64 },
    /// Sequence numbers are not consecutive from 1.
    Gap { expected: i64, found: i64 },
}

/// Checks entries one at a time, in sequence order, so a long log can be streamed.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_prev: String,
    expected_seq: i64,
    count: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { expected_prev: GENESIS.to_string(), expected_seq: 1, count: 0 }
    }
}

impl ChainVerifier {
    /// Checks the next entry given its content and its recorded previous hash and hash.
    pub fn push(&mut self, content: &AuditContent<'_>, prev: &str, hash: &str) -> Result<(), ChainBreak> {
        if content.seq != self.expected_seq {
            return Err(ChainBreak::Gap { expected: self.expected_seq, found: content.seq });
        }
        if prev != self.expected_prev {
            return Err(ChainBreak::Link { seq: content.seq });
        }
        let computed = entry_hash(prev, content);
        if computed != hash {
            return Err(ChainBreak::Content { seq: content.seq });
        }
        self.expected_prev = computed;
        self.expected_seq += 1;
        self.count += 1;
        Ok(())
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The sequence number of the last entry checked (0 before any).
    pub fn last_seq(&self) -> i64 {
        self.expected_seq - 1
    }
}

/// Checks entries given in sequence order as (content, recorded prev_hash, recorded hash).
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = (AuditContent<'a>, &'a str, &'a str)>,
) -> Result<u64, ChainBreak> {
    let mut verifier = ChainVerifier::default();
    for (content, prev, hash) in entries {
        verifier.push(&content, prev, hash)?;
    }
    Ok(verifier.count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(seq: i64, reason: Option<&'static str>) -> AuditContent<'static> {
        AuditContent {
            seq,
            at_micros: 1_700_000_000_000_000 + seq,
            actor_id: Some("actor"),
            entity_type: "account",
            entity_id: "u1",
            action: "approve",
            before: Some(r#"{"status":"pending"}"#),
            after: Some(r#"{"status":"active"}"#),
            reason,
        }
    }

    fn chain(n: i64) -> Vec<(AuditContent<'static>, String, String)> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let c = content(seq, None);
                let h = entry_hash(&prev, &c);
                let entry = (c, prev.clone(), h.clone());
                prev = h;
                entry
            })
            .collect()
    }

    fn check(entries: &[(AuditContent<'static>, String, String)]) -> Result<u64, ChainBreak> {
        verify_chain(entries.iter().map(|(c, p, h)| (c.clone(), p.as_str(), h.as_str())))
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(check(&chain(5)), Ok(5));
        assert_eq!(check(&[]), Ok(0));
    }

    #[test]
    fn altered_content_is_found() {
        let mut entries = chain(5);
        entries[2].0.reason = Some("edited later");
        assert_eq!(check(&entries), Err(ChainBreak::Content { seq: 3 }));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(check(&entries), Err(ChainBreak::Gap { expected: 2, found: 3 }));
    }

    #[test]
    fn a_rehashed_entry_breaks_the_next_link() {
        let mut entries = chain(4);
        entries[1].0.action = "reject";
        let prev = entries[1].1.clone();
        entries[1].2 = entry_hash(&prev, &entries[1].0);
        assert_eq!(check(&entries), Err(ChainBreak::Link { seq: 3 }));
    }
}
