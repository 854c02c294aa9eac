//! The `regex` constraints of intent setting definitions, matched as .NET's `Regex.IsMatch`
//! does (the text contains a match), with `regex-lite`: linear time whatever the pattern, and
//! bounded in size and nesting so that a hostile pattern is refused, not run.

/// A pattern bigger than this, compiled, is refused.
const SIZE_LIMIT: usize = 1 << 20;
/// Groups nested deeper than this are refused.
const NEST_LIMIT: u32 = 64;

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Pattern(regex_lite::Regex);

impl Pattern {
    /// Whether `text` contains a match.
    pub fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }
}

/// Compiles `pattern`, or says why it cannot be used.
pub fn compile(pattern: &str) -> Result<Pattern, String> {
    regex_lite::RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .nest_limit(NEST_LIMIT)
        .build()
        .map(Pattern)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_anywhere_and_refuses_what_it_cannot_compile() {
        let p = compile(r"^\d{1,5}(-\d{1,5})?$").unwrap();
        assert!(p.is_match("80") && p.is_match("1000-2000") && !p.is_match("80-"));
        assert!(
            compile("ab").unwrap().is_match("xxabyy"),
            "contains a match"
        );
        assert!(compile("(").is_err());
        assert!(compile(&"(".repeat(100)).is_err(), "nested too deep");
        // Linear time: a pattern that backtracks exponentially elsewhere returns at once.
        let evil = compile("^(a+)+$").unwrap();
        assert!(!evil.is_match(&format!("{}!", "a".repeat(100_000))));
    }
}
