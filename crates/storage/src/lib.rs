//! File storage behind object_store: a local directory by default, in memory for tests
//! (S3-compatible stores join with the attachments work). Files are stored under ASCII
//! keys derived from their content; original names live in the database.

use std::path::Path;
use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("storage: {0}")]
    Store(#[from] object_store::Error),
    #[error("storage directory {0}: {1}")]
    Dir(String, std::io::Error),
}

/// Where a stored file can be found again, and what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub key: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl Storage {
    /// Files under `dir` (created when missing).
    pub fn local(dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(dir).map_err(|e| StorageError::Dir(dir.display().to_string(), e))?;
        Ok(Self { store: Arc::new(LocalFileSystem::new_with_prefix(dir)?) })
    }

    pub fn memory() -> Self {
        Self { store: Arc::new(InMemory::new()) }
    }

    /// Stores `bytes` under a key made of its SHA-256; identical content is stored once.
    pub async fn put(&self, bytes: Vec<u8>) -> Result<StoredFile, StorageError> {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let key = format!("sha256/{}/{}", &sha256[..2], sha256);
        let size = bytes.len() as u64;
        self.store.put(&ObjectPath::from(key.as_str()), PutPayload::from(bytes)).await?;
        Ok(StoredFile { key, sha256, size })
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        let result = self.store.get(&ObjectPath::from(key)).await?;
        Ok(result.bytes().await?.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn content_addressed_round_trip_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::local(dir.path()).unwrap();
        let stored = storage.put("申报书内容".as_bytes().to_vec()).await.unwrap();
        assert!(stored.key.is_ascii());
        assert_eq!(stored.size, "申报书内容".len() as u64);
        assert_eq!(storage.get(&stored.key).await.unwrap(), "申报书内容".as_bytes());
        let again = storage.put("申报书内容".as_bytes().to_vec()).await.unwrap();
        assert_eq!(again, stored);
        assert!(storage.get("sha256/00/missing").await.is_err());
    }
}
