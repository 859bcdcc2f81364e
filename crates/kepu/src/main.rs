//! `kepu`: the server and its administration commands.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use app::sms::{OutboxSender, SmsSender};
use app::{App, Config, SystemClock};
use clap::{Parser, Subcommand};
use domain::role::Role;
use figment::Figment;
use figment::providers::{Env, Format, Toml};

/// The embedded defaults.
const DEFAULTS: &str = include_str!("../../../config/default.toml");

#[derive(Parser)]
#[command(
    name = "kepu",
    about = "全国科普日平台 — the National Science Popularization Day platform"
)]
struct Cli {
    /// A TOML file overriding the embedded defaults.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (the default command).
    Serve {
        /// Fill a demo campaign (organisations, users, activities in every state) on an
        /// empty database.
        #[arg(long)]
        demo: bool,
    },
    /// Create or upgrade the schema, load the divisions and the current campaign.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Rebuild this instance's search index from the database.
    Reindex,
    /// Recount the statistics rollups from the activities (a repair; writes keep them).
    Restat,
    /// Write one consistent snapshot of every table and stored file into an empty folder,
    /// while the server runs (the search index is rebuilt on restore, not copied).
    Backup {
        /// The folder to write (missing or empty).
        #[arg(long)]
        out: PathBuf,
    },
    /// Fill an empty database and data folder from a backup (of either backend), check
    /// every checksum and row, then rebuild the search index and the statistics.
    Restore {
        /// The backup's folder.
        #[arg(long)]
        from: PathBuf,
    },
    /// The audit trail: verify its hash chain, purge what is past retention, export it.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Fill the database with N realistic activities (fixed seed), for benchmarks.
    BenchData {
        /// How many activities.
        #[arg(long)]
        activities: u64,
    },
    /// Evaluate every city's counties and the nation's provinces with the 唐山 template on
    /// the database as it is (after bench-data), and print the time taken.
    BenchEvaluation,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user, or give an existing one a name, a role or an organisation.
    Add {
        /// Mainland mobile number.
        #[arg(long)]
        phone: String,
        /// The person's name.
        #[arg(long)]
        name: String,
        /// host | county_admin | city_admin | province_admin | national_admin | expert
        #[arg(long)]
        role: Option<String>,
        /// Division the role governs (required for county, city and province admins).
        #[arg(long)]
        region: Option<String>,
        /// Organisation the user acts for.
        #[arg(long)]
        org: Option<i64>,
    },
    /// Disable an account: its sessions and tokens end at once and it cannot log in.
    Disable {
        /// The user's phone.
        #[arg(long)]
        phone: String,
    },
    /// Enable a disabled account.
    Enable {
        /// The user's phone.
        #[arg(long)]
        phone: String,
    },
    /// End every browser session and revoke every token of an account.
    EndSessions {
        /// The user's phone.
        #[arg(long)]
        phone: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; fail naming the first row that was changed, removed or inserted.
    Verify,
    /// Remove the entries older than a date (never any younger than the retention period,
    /// at least 180 days); the purge records itself.
    Purge {
        /// `YYYY-MM-DD` (Beijing time) or an RFC 3339 time.
        #[arg(long)]
        before: String,
    },
    /// Write the entries between two dates to standard output, oldest first.
    Export {
        /// From this day (`YYYY-MM-DD`, Beijing time) on.
        #[arg(long)]
        from: Option<String>,
        /// Up to this day, inclusive.
        #[arg(long)]
        to: Option<String>,
        /// `csv` (UTF-8 with a byte-order mark) or `jsonl`.
        #[arg(long, default_value = "csv")]
        format: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new bearer token for a user, and nothing else.
    Issue {
        /// The user's phone.
        #[arg(long)]
        phone: String,
    },
}

/// Defaults, then the file, then `KEPU__…` variables, then the three fixed variables.
fn load_config(file: Option<&PathBuf>) -> anyhow::Result<Config> {
    let mut figment = Figment::from(Toml::string(DEFAULTS));
    if let Some(path) = file {
        if !path.exists() {
            bail!("配置文件不存在：{}", path.display());
        }
        figment = figment.merge(Toml::file(path));
    }
    let mut config: Config = figment
        .merge(Env::prefixed("KEPU__").split("__"))
        .extract()
        .context("配置有误")?;
    if let Ok(url) = std::env::var("KEPU_DATABASE_URL") {
        config.database_url = Some(url);
    }
    if let Ok(dir) = std::env::var("KEPU_DATA_DIR") {
        config.data_dir = PathBuf::from(dir);
    }
    if let Ok(bind) = std::env::var("KEPU_BIND") {
        config.bind = bind;
    }
    config
        .map
        .datum()
        .map_err(|e| anyhow::anyhow!("配置有误：{e}"))?;
    config
        .durability()
        .map_err(|e| anyhow::anyhow!("配置有误：{e}"))?;
    Ok(config)
}

fn sms_sender(config: &Config) -> anyhow::Result<Arc<dyn SmsSender>> {
    match config.sms.provider.as_str() {
        "outbox" => {
            // For development only: every code is written to a file, none is sent.
            let outbox = config.data_dir.join("sms-outbox.log");
            tracing::warn!(
                outbox = %outbox.display(),
                "短信服务商为 outbox（仅供开发）：验证码写入 sms-outbox.log，不会发出；正式环境请设置 sms.provider = \"aliyun\""
            );
            Ok(Arc::new(OutboxSender::new(&config.data_dir)))
        }
        "aliyun" => Ok(Arc::new(
            app::sms::aliyun::AliyunSender::from_config(&config.sms).map_err(anyhow::Error::msg)?,
        )),
        other => bail!("未知的短信服务商 “{other}”（可选 outbox、aliyun）"),
    }
}

async fn start(config: Config) -> anyhow::Result<App> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("无法创建数据目录 {}", config.data_dir.display()))?;
    let sms = sms_sender(&config)?;
    App::start(config, Arc::new(SystemClock), sms)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

async fn serve(app: App) -> anyhow::Result<()> {
    let bind = app.config.bind.clone();
    let listener = tokio::net::TcpListener::bind(&bind)
        .await
        .with_context(|| format!("无法监听 {bind}"))?;
    tracing::info!("kepu listening on http://{}", listener.local_addr()?);
    web::serve(listener, app, shutdown()).await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let config = load_config(cli.config.as_ref())?;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            let app = start(config).await?;
            if demo && app.fill_demo().await.map_err(describe)? {
                eprintln!(
                    "已填充演示数据。可用以下手机号登录（验证码见数据目录下的 sms-outbox.log）："
                );
                for (phone, name, _, _) in app::demo::DEMO_ACCOUNTS {
                    eprintln!("  {phone}  {name}");
                }
            }
            // The search index follows the database's change log, also for changes made
            // by other instances.
            let follower = app.clone();
            tokio::spawn(async move {
                loop {
                    if let Err(e) = follower.catch_up_search().await {
                        tracing::warn!(error = %e, "search index catch-up failed");
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                }
            });
            app.spawn_job_worker(std::time::Duration::from_secs(
                app.config.jobs_every_seconds.max(1),
            ));
            serve(app).await
        }
        Command::BenchData { activities } => {
            let app = start(config).await?;
            let started = std::time::Instant::now();
            let made = app.bench_data(activities).await.map_err(describe)?;
            eprintln!(
                "已生成 {made} 个活动（{:.0} 秒），正在重建搜索索引…",
                started.elapsed().as_secs_f64()
            );
            let indexed = app.reindex().await.map_err(describe)?;
            eprintln!(
                "已索引 {indexed} 个已通过的活动（共 {:.0} 秒），正在重建统计…",
                started.elapsed().as_secs_f64()
            );
            app::stats::rebuild(&app.db).await.map_err(describe)?;
            eprintln!("统计已重建（共 {:.0} 秒）", started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::BenchEvaluation => {
            let app = start(config).await?;
            let b = app.bench_evaluation().await.map_err(describe)?;
            println!(
                "evaluated {} schemes over {} divisions in {:.0} ms (slowest scheme {:.1} ms; the nation's over its provinces {:.1} ms)",
                b.schemes,
                b.subjects,
                b.total.as_secs_f64() * 1000.0,
                b.slowest.as_secs_f64() * 1000.0,
                b.national.as_secs_f64() * 1000.0
            );
            Ok(())
        }
        Command::Restat => {
            let app = start(config).await?;
            let count = app::stats::rebuild(&app.db).await.map_err(describe)?;
            eprintln!("已重建统计：{count} 个活动");
            Ok(())
        }
        Command::Reindex => {
            let app = start(config).await?;
            let count = app.reindex().await.map_err(describe)?;
            eprintln!("已重建搜索索引：{count} 个活动");
            Ok(())
        }
        Command::Migrate => {
            start(config).await?;
            eprintln!("数据库已是最新结构");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    phone,
                    name,
                    role,
                    region,
                    org,
                },
        } => {
            let app = start(config).await?;
            let role = role
                .map(|r| Role::parse(&r))
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let id = app
                .add_user(&phone, &name, role, region.as_deref(), org)
                .await
                .map_err(describe)?;
            println!("{id}");
            Ok(())
        }
        Command::User {
            command:
                command @ (UserCommand::Disable { .. }
                | UserCommand::Enable { .. }
                | UserCommand::EndSessions { .. }),
        } => {
            let (phone, disable, done) = match command {
                UserCommand::Disable { phone } => (phone, Some(true), "已停用"),
                UserCommand::Enable { phone } => (phone, Some(false), "已启用"),
                UserCommand::EndSessions { phone } | UserCommand::Add { phone, .. } => {
                    (phone, None, "已结束全部登录")
                }
            };
            let app = start(config).await?;
            let Some(user_id) = app.user_id_by_phone(&phone).await.map_err(describe)? else {
                bail!("没有手机号为 {} 的用户", domain::phone::mask(&phone));
            };
            let action = app
                .act_on_account(None, user_id, disable)
                .await
                .map_err(describe)?;
            eprintln!(
                "{done}：用户 {user_id}（结束会话和令牌 {} 个）",
                action.sessions_ended
            );
            Ok(())
        }
        Command::Backup { out } => {
            let app = start(config).await?;
            let started = std::time::Instant::now();
            let manifest = app
                .backup(&out, &|line| eprintln!("{line}"))
                .await
                .map_err(describe)?;
            let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
            eprintln!(
                "备份完成：{} 张表 {rows} 行，{} 个文件，写入 {}（{:.1} 秒）",
                manifest.tables.len(),
                manifest.files.len(),
                out.display(),
                started.elapsed().as_secs_f64()
            );
            if !manifest.missing_files.is_empty() {
                eprintln!(
                    "注意：{} 个被引用的文件在存储中不存在，未能备份：{}",
                    manifest.missing_files.len(),
                    manifest.missing_files.join("、")
                );
            }
            Ok(())
        }
        Command::Restore { from } => {
            std::fs::create_dir_all(&config.data_dir)
                .with_context(|| format!("无法创建数据目录 {}", config.data_dir.display()))?;
            let started = std::time::Instant::now();
            let (_, restored) = app::backup::restore(config, &from, &|line| eprintln!("{line}"))
                .await
                .map_err(describe)?;
            eprintln!(
                "恢复完成：{} 行，{} 个文件（{:.1} 秒）",
                restored.rows,
                restored.files,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Audit { command } => {
            let app = start(config).await?;
            audit(&app, command).await
        }
        Command::Token {
            command: TokenCommand::Issue { phone },
        } => {
            let app = start(config).await?;
            let Some(user_id) = app.user_id_by_phone(&phone).await.map_err(describe)? else {
                bail!(
                    "没有手机号为 {} 的用户，请先用 kepu user add 添加",
                    domain::phone::mask(&phone)
                );
            };
            let token = app
                .issue_token(user_id, "命令行", None)
                .await
                .map_err(describe)?;
            println!("{token}");
            Ok(())
        }
    }
}

async fn audit(app: &App, command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify => {
            let started = std::time::Instant::now();
            let verified = app.verify_audit().await.map_err(describe)?;
            match verified.broken {
                None => {
                    eprintln!(
                        "操作记录完整：{} 条，哈希链无断点（{:.1} 秒）",
                        verified.rows,
                        started.elapsed().as_secs_f64()
                    );
                    Ok(())
                }
                Some(b) => bail!("操作记录第 {} 条有问题：{}", b.id, b.why),
            }
        }
        AuditCommand::Purge { before } => {
            let purged = app.purge_audit(&before).await.map_err(describe)?;
            eprintln!("已清理 {before} 之前的操作记录 {} 条", purged.removed);
            Ok(())
        }
        AuditCommand::Export { from, to, format } => {
            use std::io::Write;
            if format != "csv" && format != "jsonl" {
                bail!("--format 须为 csv 或 jsonl");
            }
            let q = app::audit::AuditQuery {
                from,
                to,
                ..Default::default()
            };
            let filter = app
                .begin_operator_export(&q, &format)
                .await
                .map_err(describe)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if format == "csv" {
                out.write_all(b"\xEF\xBB\xBF")?;
                out.write_all(&app::audit::csv_line(
                    &app::audit::CSV_HEADER.map(str::to_owned),
                ))?;
            }
            let (mut after, mut count) = (0_i64, 0_u64);
            loop {
                let batch = app
                    .audit_batch(filter.clone(), after)
                    .await
                    .map_err(describe)?;
                let Some(last) = batch.last() else { break };
                after = last.id;
                for e in &batch {
                    if format == "csv" {
                        out.write_all(&app::audit::csv_line(&e.csv_row()))?;
                    } else {
                        serde_json::to_writer(&mut out, e)?;
                        out.write_all(b"\n")?;
                    }
                    count += 1;
                }
            }
            out.flush()?;
            eprintln!("已导出 {count} 条操作记录");
            Ok(())
        }
    }
}

/// A use-case error as one line for the terminal, with the fields that were wrong.
fn describe(err: app::AppError) -> anyhow::Error {
    match &err {
        app::AppError::Validation { fields, .. } => {
            let details: Vec<String> = fields.iter().map(|(f, m)| format!("{f}: {m}")).collect();
            anyhow::anyhow!("{}", details.join("；"))
        }
        _ => anyhow::anyhow!("{err}"),
    }
}
