//! Order statistics of a sample: the median and nearest-rank percentiles.

fn sorted(samples: &[f64]) -> Vec<f64> {
    assert!(!samples.is_empty(), "a statistic of no samples");
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    s
}

/// The middle sample, or the mean of the two middle ones.
pub fn median(samples: &[f64]) -> f64 {
    let s = sorted(samples);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// The `p`-th percentile by nearest rank: the smallest sample with at least `p` % of the samples
/// at or below it (p95 of 20 samples is the 19th smallest).
pub fn percentile(samples: &[f64], p: f64) -> f64 {
    let s = sorted(samples);
    let rank = ((p / 100.0) * s.len() as f64).ceil() as usize;
    s[rank.clamp(1, s.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_percentiles() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&twenty, 95.0), 19.0);
        assert_eq!(percentile(&twenty, 100.0), 20.0);
        assert_eq!(percentile(&[7.0], 95.0), 7.0);
    }
}
