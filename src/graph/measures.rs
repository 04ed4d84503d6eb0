//! Association measures of a pair of entities, from scope counts.
//!
//! With `N` scopes, `c_a` and `c_b` the scopes holding entity a and b, and
//! `c_ab` the scopes holding both (all from [`crate::counts`]):
//!
//! | measure | formula | range |
//! | --- | --- | --- |
//! | `pmi` | `ln(c_ab · N / (c_a · c_b))` (natural log) | (−∞, ln N]; 0 = independent |
//! | `npmi` | `pmi / −ln(c_ab / N)`; 1 when `c_ab = N` | [−1, 1] |
//! | `jaccard` | `c_ab / (c_a + c_b − c_ab)` | (0, 1] |
//! | `dice` | `2 c_ab / (c_a + c_b)` | (0, 1] |
//! | `llr` | Dunning's G² = `2 Σ O ln(O / E)` over the 2×2 table below; a term with `O = 0` is 0 | [0, ∞) |
//!
//! The 2×2 table counts scopes: `k11 = c_ab` (both), `k12 = c_a − c_ab` (a
//! only), `k21 = c_b − c_ab` (b only), `k22 = N − c_a − c_b + c_ab` (neither);
//! `E` of a cell is its row total × column total / N. G² says how surprising
//! the co-occurrence count is, in either direction; the sign of `pmi` says
//! which direction.
//!
//! Edges exist only for `c_ab ≥ 1`, so `pmi` is always finite. `npmi`
//! divides by `−ln p(ab)`, which is 0 when the pair is in every scope; npmi
//! is then defined as 1 (perfect co-occurrence).
//!
//! # Worked example
//!
//! 4 scopes; a is in 2 of them, b in 3, both in 2 (`N=4, c_a=2, c_b=3, c_ab=2`):
//!
//! - pmi = ln(2·4 / (2·3)) = ln(4/3) = 0.287682
//! - npmi = 0.287682 / −ln(2/4) = 0.287682 / 0.693147 = 0.415037
//! - jaccard = 2 / (2 + 3 − 2) = 0.666667; dice = 4 / 5 = 0.8
//! - table: k11=2, k12=0, k21=1, k22=1; row totals 2, 2; column totals 3, 1;
//!   E = 1.5, 0.5, 1.5, 0.5; G² = 2 (2 ln(2/1.5) + 0 + 1 ln(1/1.5) + 1 ln(1/0.5)) = 1.726092
//!
//! ```
//! let m = comention::graph::Measures::of(2, 2, 3, 4);
//! assert!((m.pmi - 0.287682).abs() < 1e-6);
//! assert!((m.npmi - 0.415037).abs() < 1e-6);
//! assert!((m.llr - 1.726092).abs() < 1e-6);
//! ```

use serde::{Deserialize, Serialize};

/// The association measures of one pair (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Measures {
    /// Pointwise mutual information (natural log).
    pub pmi: f64,
    /// Normalised PMI in [−1, 1].
    pub npmi: f64,
    /// Jaccard index of the two scope sets.
    pub jaccard: f64,
    /// Dice coefficient.
    pub dice: f64,
    /// Dunning's log-likelihood ratio G².
    pub llr: f64,
}

impl Measures {
    /// Computes every measure from `c_ab`, `c_a`, `c_b` and `n` scopes.
    /// Inconsistent counts (e.g. `c_ab > c_a`) are clamped so that the
    /// result is always finite.
    pub fn of(c_ab: u64, c_a: u64, c_b: u64, n: u64) -> Measures {
        let c_ab = c_ab.max(1);
        let c_a = c_a.max(c_ab);
        let c_b = c_b.max(c_ab);
        let n = n.max(c_a + c_b - c_ab);
        let (ab, a, b, n) = (c_ab as f64, c_a as f64, c_b as f64, n as f64);
        let pmi = (ab * n / (a * b)).ln();
        let p_ab = ab / n;
        let npmi = if c_ab as f64 >= n {
            1.0
        } else {
            (pmi / -p_ab.ln()).clamp(-1.0, 1.0)
        };
        let jaccard = ab / (a + b - ab);
        let dice = 2.0 * ab / (a + b);
        let cells = [ab, a - ab, b - ab, n - a - b + ab];
        let rows = [a, n - a];
        let cols = [b, n - b];
        let mut g2 = 0.0;
        for (i, observed) in cells.iter().enumerate() {
            if *observed > 0.0 {
                let expected = rows[i / 2] * cols[i % 2] / n;
                g2 += observed * (observed / expected).ln();
            }
        }
        // Rounding can leave a tiny negative sum for independent pairs.
        let llr = (2.0 * g2).max(0.0);
        Measures {
            pmi,
            npmi,
            jaccard,
            dice,
            llr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Measures;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    // Expected values computed independently with python3 (math.log) once.
    #[test]
    fn worked_example() {
        let m = Measures::of(2, 2, 3, 4);
        assert!(close(m.pmi, 0.28768207245178085));
        assert!(close(m.npmi, 0.4150374992788437));
        assert!(close(m.jaccard, 2.0 / 3.0));
        assert!(close(m.dice, 0.8));
        assert!(close(m.llr, 1.7260924347106852));
    }

    #[test]
    fn negative_association() {
        // N=10, a in 5, b in 5, both in 1.
        let m = Measures::of(1, 5, 5, 10);
        assert!(close(m.pmi, -0.916290731874155));
        assert!(close(m.npmi, -0.3979400086720376));
        assert!(close(m.llr, 3.8548951404351497));
    }

    #[test]
    fn pair_in_every_scope_has_npmi_one() {
        let m = Measures::of(3, 3, 3, 3);
        assert_eq!(m.npmi, 1.0);
        assert_eq!(m.pmi, 0.0);
        assert_eq!(m.llr, 0.0);
        assert!(m.jaccard == 1.0 && m.dice == 1.0);
    }

    #[test]
    fn independence_gives_zero() {
        let m = Measures::of(1, 2, 2, 4);
        assert!(close(m.pmi, 0.0) && close(m.npmi, 0.0) && close(m.llr, 0.0));
    }
}
