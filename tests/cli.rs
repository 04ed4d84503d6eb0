//! CLI tests: every `tests/cmd/*.toml` case runs the real binary.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        // Compiled automata go to a folder of the build, never the
        // user's cache.
        .env(
            "COMENTION_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/automata"),
        )
        .case("tests/cmd/*.toml");
}
