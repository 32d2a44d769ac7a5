//! Floating-point numbers in text, exactly as Rust's `{}` writes them, without the formatting
//! machinery of `core` (`flt2dec`, some 17 KB of the browser's wasm). The shortest digits
//! come from `zmij`, the writer `serde_json` already uses for the page's frames.

use std::fmt;

/// An `f64` that displays exactly as `format!("{}", x)` does: the shortest digits that read
/// back as `x`, written out in full without an exponent (`0.0000001`, `1e21` as
/// `1000000000000000000000`), `-0` for negative zero, `NaN`, `inf` and `-inf`. Width and
/// precision are not supported: it is meant for a plain `{}`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Float(pub f64);

impl fmt::Display for Float {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x.is_sign_negative() {
            f.write_str("-")?;
        }
        if x.is_infinite() {
            return f.write_str("inf");
        }
        let x = x.abs();
        let mut buffer = zmij::Buffer::new();
        // zmij writes "1.0", "0.001", "1.5e+16", "1e-7".
        let text = buffer.format_finite(x);
        let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
        let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let mut digits = [0u8; 24];
        let mut n: usize = 0;
        // Where the decimal point falls, counted in digits from the first one.
        let mut point: Option<i32> = None;
        for b in mantissa.bytes() {
            if b == b'.' {
                point = Some(n as i32);
            } else if n > 0 || b != b'0' {
                digits[n] = b;
                n += 1;
            } else if point.is_some() {
                // A leading zero after the point ("0.001"): the point moves right.
                point = point.map(|p| p - 1);
            }
        }
        let point = point.unwrap_or(n as i32) + exponent;
        while n > 0 && digits[n - 1] == b'0' {
            n -= 1;
        }
        if n == 0 {
            return f.write_str("0");
        }
        // Where two shortest forms are equally near, zmij takes the even last digit and Rust
        // the larger one.
        let value = digits[..n]
            .iter()
            .fold(0u64, |v, d| v * 10 + u64::from(d - b'0'));
        if is_half_above(x, value, point - n as i32) {
            digits[n - 1] += 1;
        }
        let digits = std::str::from_utf8(&digits[..n]).map_err(|_| fmt::Error)?;
        if point <= 0 {
            f.write_str("0.")?;
            zeros(f, -point)?;
            f.write_str(digits)
        } else if point as usize >= n {
            f.write_str(digits)?;
            zeros(f, point - n as i32)
        } else {
            let (int, frac) = digits.split_at(point as usize);
            write!(f, "{int}.{frac}")
        }
    }
}

fn zeros(f: &mut fmt::Formatter<'_>, mut count: i32) -> fmt::Result {
    const ZEROS: &str = "0000000000000000";
    while count > 0 {
        let now = count.min(ZEROS.len() as i32);
        f.write_str(&ZEROS[..now as usize])?;
        count -= now;
    }
    Ok(())
}

/// Whether `x` (finite, positive) is exactly `(digits + 1/2) * 10^exp`.
fn is_half_above(x: f64, digits: u64, exp: i32) -> bool {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mut m, mut e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, biased - 1075)
    };
    if m == 0 {
        return false;
    }
    let shift = m.trailing_zeros();
    m >>= shift;
    e += shift as i32;
    // x = m * 2^e with m odd; (2 * digits + 1) * 10^exp / 2 = (2 * digits + 1) * 5^exp * 2^(exp - 1),
    // also odd times 2^(exp - 1): the powers of two must match, and then the odd parts.
    if e != exp - 1 {
        return false;
    }
    let odd = 2 * u128::from(digits) + 1;
    let five = 5u128.checked_pow(exp.unsigned_abs());
    if exp >= 0 {
        five.and_then(|p| p.checked_mul(odd)) == Some(u128::from(m))
    } else {
        five.and_then(|p| p.checked_mul(u128::from(m))) == Some(odd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(x: f64) {
        assert_eq!(Float(x).to_string(), x.to_string(), "{x:e}");
    }

    #[test]
    fn writes_what_display_writes() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.3,
            0.1 + 0.2,
            1.5,
            2.5,
            12.345,
            1e-7,
            1e-5,
            0.0001,
            1e15,
            1e16,
            1.5e16,
            1e21,
            1e22,
            1e300,
            123456789.125,
            662_936_471_232_937.0 + 0.25,
            662_936_471_232_937.0 + 0.75,
            (1u64 << 60) as f64,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            same(x);
        }
    }

    #[test]
    fn writes_what_display_writes_for_many_numbers() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for i in 0..200_000u64 {
            let r = next();
            same(match i % 5 {
                // Any bit pattern.
                0 | 1 => f64::from_bits(r),
                // Times and probabilities as the simulator makes them.
                2 => (r % 1_000_000_000) as f64 / 1e6,
                3 => (r % 1_000_001) as f64 / 1e6,
                // Quarters near 2^50, where ties between two shortest forms happen.
                _ => ((r >> 14) as f64) / 4.0,
            });
        }
    }
}
