//! What a file of `dist/` weighs on the wire: raw, gzip at level 9 and brotli at quality 11
//! (what a static host that pre-compresses its files would send).

use std::io::Write;
use std::ops::Add;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;

/// A file's size in bytes, as is and compressed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl Add for Sizes {
    type Output = Sizes;
    fn add(self, o: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + o.raw,
            gzip: self.gzip + o.gzip,
            brotli: self.brotli + o.brotli,
        }
    }
}

impl Sizes {
    /// The sizes of one file.
    pub fn of_file(path: &Path) -> Result<Sizes, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Sizes::of_bytes(&bytes))
    }

    pub fn of_bytes(bytes: &[u8]) -> Sizes {
        Sizes {
            raw: bytes.len() as u64,
            gzip: gzip(bytes),
            brotli: brotli(bytes),
        }
    }

    pub fn to_json(self) -> serde_json::Value {
        serde_json::json!({ "raw": self.raw, "gzip": self.gzip, "brotli": self.brotli })
    }
}

fn gzip(bytes: &[u8]) -> u64 {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory").len() as u64
}

fn brotli(bytes: &[u8]) -> u64 {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out.len() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repetitive_text_compresses() {
        let text = "<div class=\"field\"></div>\n".repeat(200);
        let s = Sizes::of_bytes(text.as_bytes());
        assert_eq!(s.raw, text.len() as u64);
        assert!(s.gzip < s.raw / 10, "{s:?}");
        assert!(s.brotli < s.gzip, "{s:?}");
    }
}
