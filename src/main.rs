//! The `recolte` command: see `recolte --help`.

fn main() -> std::process::ExitCode {
    recolte::cli::main()
}
