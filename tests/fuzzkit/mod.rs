//! A small fuzz harness for the crates that have no proptest among their dev-dependencies (the
//! app, schema-gen and graph-sandbox; adding one changes their manifests and Cargo.lock).
//! Shared by `tests/parsers.rs`, `crates/schema-gen/tests/fuzz.rs` and
//! `crates/graph-sandbox/tests/fuzz.rs` (included with `#[path]`).
//!
//! It runs like a proptest target: `PROPTEST_CASES` inputs per target (a small default
//! otherwise), each drawn from a seeded generator, so a failure names the target, the case and
//! the seed (`FUZZ_SEED=<seed> PROPTEST_CASES=1` replays it) and prints the input. It does not
//! shrink. Nothing is written to disk.

#![allow(dead_code)]

use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::{Map, Value};

/// `PROPTEST_CASES` when set, else `default`.
pub fn cases(default: u64) -> u64 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

/// Runs `property` on `cases(default)` inputs drawn by `generate`; panics with the input that
/// made `property` panic (or fail an assertion).
pub fn check<T: Debug>(
    name: &str,
    default: u64,
    generate: impl Fn(&mut Rng) -> T,
    property: impl Fn(&T),
) {
    let replay: Option<u64> = std::env::var("FUZZ_SEED").ok().and_then(|s| {
        let s = s.trim_start_matches("0x");
        u64::from_str_radix(s, 16).ok()
    });
    // Each target draws its own sequence: the seed of a case is its name's hash and its number.
    let base = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    for case in 0..cases(default) {
        let seed = replay.unwrap_or_else(|| mix(base ^ mix(case)));
        let mut rng = Rng::new(seed);
        let input = generate(&mut rng);
        if let Err(e) = catch_unwind(AssertUnwindSafe(|| property(&input))) {
            let why = e
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| e.downcast_ref::<&str>().copied())
                .unwrap_or("a panic");
            let mut shown = format!("{input:?}");
            if shown.len() > 4000 {
                let mut end = 4000;
                while !shown.is_char_boundary(end) {
                    end -= 1;
                }
                shown.truncate(end);
                shown.push_str(" …");
            }
            panic!(
                "{name}: case {case} failed (replay with FUZZ_SEED={seed:#x} PROPTEST_CASES=1): \
                 {why}\ninput: {shown}"
            );
        }
    }
}

/// SplitMix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A seeded generator with the draws the targets need.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.u64() % n as u64) as usize
        }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi as i128 - lo as i128 + 1) as u128;
        (lo as i128 + (self.u64() as u128 % span) as i128) as i64
    }

    /// True `num` times in `den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.u64() % den < num
    }

    pub fn bool(&mut self) -> bool {
        self.u64() & 1 == 1
    }

    /// One of `items` (which must not be empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A length in `0..=max`, short ones likelier.
    pub fn len(&mut self, max: usize) -> usize {
        match self.below(4) {
            0 => self.below(max.min(4) + 1),
            1 | 2 => self.below(max.min(16) + 1),
            _ => self.below(max + 1),
        }
    }

    /// Any bytes.
    pub fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.len(max);
        (0..n).map(|_| self.u64() as u8).collect()
    }

    /// One character of any kind: ASCII (controls included), Latin-1, the rest of the BMP,
    /// astral planes, and the characters that trip text handling.
    pub fn char(&mut self) -> char {
        const ODD: &[char] = &[
            '\0',
            '\t',
            '\n',
            '\r',
            ' ',
            '\u{7f}',
            '\u{85}',
            '\u{a0}',
            '\u{ad}',
            '\u{130}',
            '\u{200b}',
            '\u{200e}',
            '\u{2028}',
            '\u{202e}',
            '\u{3000}',
            '\u{feff}',
            '\u{fffd}',
            '\u{ff0e}',
            '\u{ff05}',
            '\u{10ffff}',
            '\u{1f600}',
            'é',
            'ß',
            'İ',
            '٣',
            '%',
            '+',
            '&',
            '=',
            '?',
            '#',
            '/',
            '\\',
            '"',
            '\'',
            '<',
            '>',
            '@',
            ':',
            '.',
            ',',
        ];
        match self.below(8) {
            0..=2 => (0x20 + self.below(0x5f)) as u8 as char,
            3 => self.below(0x80) as u8 as char,
            4 => self.pick(ODD),
            5 => char::from_u32(0x80 + self.below(0x780) as u32).unwrap_or('?'),
            6 => char::from_u32(self.below(0x1_0000) as u32).unwrap_or('\u{fffd}'),
            _ => char::from_u32(self.below(0x11_0000) as u32).unwrap_or('\u{fffd}'),
        }
    }

    /// Any text (the `\PC*` of proptest and more: control characters too).
    pub fn text(&mut self, max: usize) -> String {
        let n = self.len(max);
        (0..n).map(|_| self.char()).collect()
    }

    /// Text from an alphabet.
    pub fn text_of(&mut self, alphabet: &str, max: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        let n = self.len(max);
        (0..n).map(|_| self.pick(&chars)).collect()
    }

    /// Up to `max` pieces joined: the structured-but-hostile strings.
    pub fn pieces(&mut self, pieces: &[&str], max: usize) -> String {
        let n = self.len(max);
        let mut s = String::new();
        for _ in 0..n {
            if self.chance(1, 10) {
                s.push(self.char());
            } else {
                s.push_str(self.pick(pieces));
            }
        }
        s
    }

    /// Number text at and beyond every limit.
    pub fn number_text(&mut self) -> String {
        const EXTREME: &[&str] = &[
            "0",
            "-0",
            "-0.0",
            "1e308",
            "-1e308",
            "1e309",
            "1.7976931348623157e308",
            "5e-324",
            "1e-400",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "9223372036854775807",
            "9007199254740993",
            "2147483648",
            "4294967296",
            "123456789012345678901234567890",
            "0.1",
            "1.5",
            ".5",
            "5.",
            "1e",
            "+1",
            "--1",
            "NaN",
            "Infinity",
            "0x10",
            "1_000",
            "١٢",
        ];
        match self.below(4) {
            0 => self.pick(EXTREME).to_string(),
            1 => (self.u64() as i64).to_string(),
            2 => f64::from_bits(self.u64()).to_string(),
            _ => self.range(-1000, 1000).to_string(),
        }
    }

    /// A JSON number, extreme ones likely.
    pub fn json_number(&mut self) -> Value {
        match self.below(5) {
            0 => Value::from(self.u64() as i64),
            1 => Value::from(self.u64()),
            2 => serde_json::Number::from_f64(f64::from_bits(self.u64()))
                .map(Value::Number)
                .unwrap_or(Value::Null),
            3 => Value::from(self.range(-300, 300)),
            _ => serde_json::from_str(&self.number_text()).unwrap_or(Value::Null),
        }
    }

    /// Arbitrary JSON up to `depth` levels, its keys often from `keys`.
    pub fn json(&mut self, depth: usize, keys: &[&str]) -> Value {
        let leaf = depth == 0 || self.chance(2, 5);
        if leaf {
            return match self.below(6) {
                0 => Value::Null,
                1 => Value::Bool(self.bool()),
                2 => self.json_number(),
                3 if !keys.is_empty() => Value::String(self.pick(keys).to_string()),
                _ => Value::String(self.text(24)),
            };
        }
        let n = self.len(8);
        if self.bool() {
            Value::Array((0..n).map(|_| self.json(depth - 1, keys)).collect())
        } else {
            let mut m = Map::new();
            for _ in 0..n {
                let k = if !keys.is_empty() && self.chance(3, 4) {
                    self.pick(keys).to_string()
                } else {
                    self.text(12)
                };
                let v = self.json(depth - 1, keys);
                m.insert(k, v);
            }
            Value::Object(m)
        }
    }

    /// A chain of lists and objects nested `depth` levels (serde_json reads up to 128).
    pub fn deep_json(&mut self, depth: usize, keys: &[&str]) -> Value {
        let mut v = self.json(1, keys);
        for _ in 0..depth {
            v = if self.bool() {
                Value::Array(vec![v])
            } else {
                let mut m = Map::new();
                m.insert(self.pick(keys).to_string(), v);
                Value::Object(m)
            };
        }
        v
    }

    /// JSON text: whole, cut, with a byte changed, nested past serde_json's limit, or not JSON.
    pub fn json_text(&mut self, keys: &[&str]) -> String {
        match self.below(8) {
            0..=2 => self.json(5, keys).to_string(),
            3 => {
                let depth = self.below(129);
                self.deep_json(depth, keys).to_string()
            }
            4 => {
                let s = self.json(5, keys).to_string();
                let mut cut = self.below(s.len() + 1);
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                s[..cut].to_string()
            }
            5 => {
                let mut b = self.json(5, keys).to_string().into_bytes();
                let i = self.below(b.len() + 1);
                let byte = self.u64() as u8;
                b.insert(i, byte);
                String::from_utf8_lossy(&b).into_owned()
            }
            6 => {
                let n = 1 + self.below(400);
                let open = self.pick(&["[", "{\"a\":", "{\"draft\":[", "[{\"msal\":"]);
                open.repeat(n)
            }
            _ => self.text(200),
        }
    }
}
