//! CLI tests: every `tests/cmd/*.toml` case runs the real binary.

#[test]
fn cli_cases() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
