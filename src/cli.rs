//! The command line: `serve`, `migrate`, `admin …` and `config check`.
//! Errors are printed as one clear sentence, never as a panic.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::db::Db;
use crate::delivery_queue;
use crate::domain::accounts::{self, AccountStatus, NewAccount, Role};
use crate::domain::communities::{self, CommunityKind, MembershipPolicy, NewCommunity};
use crate::domain::instance_settings;
use crate::error::Error;

#[derive(Parser)]
#[command(
    name = "recolte",
    version,
    about = "Récolte: federated social server for territorial professional networks",
    long_about = "Récolte: federated social server for territorial professional networks.\n\n\
Configuration comes from an optional TOML file (--config, RECOLTE_CONFIG, or ./recolte.toml) \
and RECOLTE_* environment variables (RECOLTE_DOMAIN, RECOLTE_BIND, RECOLTE_DATABASE_URL, \
RECOLTE_DATA_DIR, RECOLTE_FEDERATION_ALLOW_HTTP, RECOLTE_INSTANCE_NAME, \
RECOLTE_INSTANCE_DESCRIPTION, RECOLTE_INSTANCE_REGISTRATION_MODE, RECOLTE_DATABASE_POOL_SIZE). \
With none, it serves http://localhost:8080 on ./data/recolte.db."
)]
struct Cli {
    /// Path of the TOML configuration file.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (migrates the database first) until SIGTERM or Ctrl-C.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administration tasks on accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Configuration tools.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an active local account (whatever the registration mode).
    CreateUser {
        /// Username: 2 to 30 characters among a-z, 0-9 and '_'.
        name: String,
        /// E-mail address (unique on the instance).
        #[arg(long)]
        email: String,
        /// Password (8 characters at least). Read from standard input when omitted.
        #[arg(long)]
        password: Option<String>,
        /// Give the account the admin role.
        #[arg(long, conflicts_with = "moderator")]
        admin: bool,
        /// Give the account the moderator role.
        #[arg(long)]
        moderator: bool,
    },
    /// Change an account's password (read from standard input unless --password is given).
    SetPassword {
        name: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Activate an account waiting for approval.
    ApproveUser { name: String },
    /// List local accounts with their role and status.
    ListUsers,
    /// Create a community owned (moderated) by a local member.
    CreateCommunity {
        /// Community name: 2 to 30 characters among a-z, 0-9 and '_' (shares the namespace of usernames).
        name: String,
        /// Title shown to people.
        #[arg(long)]
        title: String,
        /// Username of its first moderator.
        #[arg(long)]
        owner: String,
        /// interest, project, trade or territory.
        #[arg(long, default_value = "interest")]
        kind: String,
        /// open, approval or invitation.
        #[arg(long, default_value = "open")]
        membership: String,
        /// Description (Markdown allowed).
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Show the delivery queue and the health of each remote instance.
    FederationStatus,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate the configuration and the database connection, and print the effective settings.
    Check,
}

/// Parses the command line and runs it; the exit code says how it went.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    match run(cli.command, config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn run(command: Command, config: Config) -> Result<(), Error> {
    match command {
        Command::Serve => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Internal(format!("cannot start the runtime: {e}")))?;
            runtime.block_on(crate::web::serve(config))
        }
        Command::Migrate => {
            Db::open(&config)?;
            println!("database is up to date ({})", describe_database(&config));
            Ok(())
        }
        Command::Config(ConfigCommand::Check) => {
            println!("domain          {}", config.domain);
            println!("public URL      {}", config.base_url());
            println!("bind            {}", config.bind);
            println!("database        {}", describe_database(&config));
            println!("data_dir        {}", config.data_dir.display());
            println!("allow_http      {}", config.federation_allow_http);
            let db = Db::open(&config)?;
            // The settings in force: the administrators' once saved.
            let settings = instance_settings::current(&mut *db.get()?, &config)?;
            println!("instance name   {}", settings.name);
            println!("registration    {}", settings.registration_mode.as_str());
            if let Some(logo) = settings.logo_url(&config) {
                println!("logo            {logo}");
            }
            println!("configuration is valid and the database answers");
            Ok(())
        }
        Command::Admin(admin) => {
            let db = Db::open(&config)?;
            let mut conn = db.get()?;
            run_admin(admin, &config, &mut conn)
        }
    }
}

fn run_admin(
    command: AdminCommand,
    config: &Config,
    conn: &mut crate::db::DbConn,
) -> Result<(), Error> {
    match command {
        AdminCommand::CreateUser {
            name,
            email,
            password,
            admin,
            moderator,
        } => {
            let password = match password {
                Some(p) => p,
                None => read_password()?,
            };
            let role = if admin {
                Role::Admin
            } else if moderator {
                Role::Moderator
            } else {
                Role::Member
            };
            let new = NewAccount {
                username: name,
                email,
                password,
                role,
                signup_reason: String::new(),
            };
            let account = accounts::create(conn, config, &new, AccountStatus::Active)?;
            println!(
                "created {} ({}) as {}: {}",
                account.actor.username, account.user.email, account.user.role, account.actor.ap_id
            );
            Ok(())
        }
        AdminCommand::SetPassword { name, password } => {
            let password = match password {
                Some(p) => p,
                None => read_password()?,
            };
            accounts::set_password(conn, config, &name, &password)?;
            println!("password of {name} changed");
            Ok(())
        }
        AdminCommand::ApproveUser { name } => {
            let account = accounts::approve(conn, config, &name)?;
            println!("{} is now active", account.actor.username);
            Ok(())
        }
        AdminCommand::CreateCommunity {
            name,
            title,
            owner,
            kind,
            membership,
            description,
        } => {
            let owner = accounts::find_by_username(conn, config, &owner)?;
            let new = NewCommunity {
                name,
                title,
                description,
                kind: CommunityKind::parse(&kind)?,
                policy: MembershipPolicy::parse(&membership)?,
            };
            let community = communities::create(conn, config, &new, &owner.actor)?;
            println!(
                "created community {} ({}, {}): {}",
                community.actor.username,
                community.settings.kind,
                community.settings.membership_policy,
                community.actor.ap_id
            );
            Ok(())
        }
        AdminCommand::FederationStatus => {
            let all = delivery_queue::status(conn)?;
            println!(
                "{:<32} {:>8} {:>8} {:>8} {:>9}  {:<20} state",
                "instance", "pending", "done", "failed", "failures", "last success"
            );
            for i in &all {
                let last = i
                    .last_success_at
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_else(|| "never".into());
                let state = match i.dead_since {
                    Some(t) => format!("dead since {}", t.format("%Y-%m-%d %H:%M")),
                    None => "alive".into(),
                };
                println!(
                    "{:<32} {:>8} {:>8} {:>8} {:>9}  {:<20} {}",
                    i.domain, i.pending, i.done, i.failed, i.failure_count, last, state
                );
            }
            println!("{} instance(s)", all.len());
            Ok(())
        }
        AdminCommand::ListUsers => {
            let all = accounts::list(conn)?;
            println!(
                "{:<30} {:<40} {:<10} {:<10} created",
                "username", "email", "role", "status"
            );
            for a in &all {
                println!(
                    "{:<30} {:<40} {:<10} {:<10} {}",
                    a.actor.username,
                    a.user.email,
                    a.user.role,
                    a.user.status,
                    a.user.created_at.format("%Y-%m-%d %H:%M")
                );
            }
            println!("{} account(s)", all.len());
            Ok(())
        }
    }
}

/// Reads a password from the first line of standard input.
fn read_password() -> Result<String, Error> {
    eprint!("password: ");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::invalid("password", format!("cannot read standard input: {e}")))?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(Error::invalid(
            "password",
            "none given: pass --password or type it on standard input",
        ));
    }
    Ok(password)
}

/// The database URL without its password, for printing.
fn describe_database(config: &Config) -> String {
    match url::Url::parse(&config.database_url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            format!("PostgreSQL {u}")
        }
        Ok(u) if u.scheme().starts_with("postgres") => format!("PostgreSQL {u}"),
        _ => format!("SQLite {}", config.database_url),
    }
}
