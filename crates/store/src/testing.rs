//! Fresh databases for tests, on either backend. PostgreSQL tests never skip: when no
//! server answers at `KEPU_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! they fail with a message saying so.

use sea_orm::{ConnectionTrait, Database};

/// Runs each named test function (`async fn name(backend: Backend)`) on SQLite and on
/// PostgreSQL, as `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name(store::testing::Backend::Sqlite).await
                }
                #[tokio::test]
                async fn postgres() {
                    super::$name(store::testing::Backend::Postgres).await
                }
            }
        )*
    };
}

/// A backend under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite in a temporary file.
    Sqlite,
    /// A new database on the PostgreSQL server.
    Postgres,
}

/// A database made for one test and removed when it is dropped.
#[derive(Debug)]
pub struct TestDb {
    /// URL to connect to it.
    pub url: String,
    backend: Backend,
    name: String,
    admin_url: String,
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap_or_default();
    hex::encode(bytes)
}

impl TestDb {
    /// Makes an empty database on `backend`.
    #[expect(
        clippy::expect_used,
        reason = "test support: failing loudly is the point"
    )]
    pub async fn new(backend: Backend) -> TestDb {
        let name = format!("kepu_test_{}", random_suffix());
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                TestDb {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    backend,
                    name: path.display().to_string(),
                    admin_url: String::new(),
                }
            }
            Backend::Postgres => {
                let admin_url = std::env::var("KEPU_TEST_PG_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
                let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL tests need a server at {admin_url} (set KEPU_TEST_PG_URL): {e}"
                    )
                });
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(&admin_url);
                TestDb {
                    url: format!("{base}/{name}"),
                    backend,
                    name,
                    admin_url,
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self.backend {
            Backend::Sqlite => {
                for suffix in ["", "-wal", "-shm"] {
                    std::fs::remove_file(format!("{}{suffix}", self.name)).ok();
                }
            }
            Backend::Postgres => {
                let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
                // Dropping runs outside any async context the test may still hold.
                let cleanup = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            admin.execute_unprepared(&sql).await.ok();
                            admin.close().await.ok();
                        }
                    });
                });
                cleanup.join().ok();
            }
        }
    }
}
