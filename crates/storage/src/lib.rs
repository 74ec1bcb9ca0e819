//! File storage behind object_store: a local directory by default, an S3-compatible bucket
//! by settings (what stateless replicas share), in memory for tests. Files are stored under
//! ASCII keys derived from their content; original names live in the database.

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
    #[error("storage settings: {0}")]
    Settings(&'static str),
}

/// Where a stored file can be found again, and what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub key: String,
    pub sha256: String,
    pub size: u64,
}

/// Where an S3-compatible bucket is and how to reach it.
#[derive(Debug, Clone, Default)]
pub struct S3Options {
    pub bucket: String,
    pub region: Option<String>,
    /// e.g. `http://minio:9000` for a non-AWS service.
    pub endpoint: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Allow a plain-HTTP endpoint (inside a private network only).
    pub allow_http: bool,
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

    /// Files in an S3-compatible bucket. Unset options come from the usual `AWS_*`
    /// environment variables.
    pub fn s3(options: &S3Options) -> Result<Self, StorageError> {
        if options.bucket.trim().is_empty() {
            return Err(StorageError::Settings("the S3 bucket name is empty"));
        }
        let mut builder = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(&options.bucket)
            .with_allow_http(options.allow_http);
        if let Some(region) = options.region.as_deref().filter(|r| !r.is_empty()) {
            builder = builder.with_region(region);
        }
        if let Some(endpoint) = options.endpoint.as_deref().filter(|e| !e.is_empty()) {
            // MinIO and most S3-compatible services want path-style addressing.
            builder = builder.with_endpoint(endpoint).with_virtual_hosted_style_request(false);
        }
        if let Some(key) = options.access_key_id.as_deref().filter(|k| !k.is_empty()) {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = options.secret_access_key.as_deref().filter(|s| !s.is_empty()) {
            builder = builder.with_secret_access_key(secret);
        }
        Ok(Self { store: Arc::new(builder.build()?) })
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

    #[test]
    fn an_s3_store_is_configured_from_settings() {
        let options = S3Options {
            bucket: "kechuang-files".into(),
            region: Some("cn-north-1".into()),
            endpoint: Some("http://127.0.0.1:9000".into()),
            access_key_id: Some("key".into()),
            secret_access_key: Some("secret".into()),
            allow_http: true,
        };
        assert!(Storage::s3(&options).is_ok());
        // A bucket name is required.
        assert!(Storage::s3(&S3Options { bucket: String::new(), ..options }).is_err());
    }

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
