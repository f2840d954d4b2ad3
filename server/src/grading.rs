//! The school's arithmetic of marks: weighted averages in exact hundredths and the school's
//! rounding rule for final marks. Pure functions, shared by the diary views and the generators,
//! so that an average is computed one way everywhere.

/// A weighted average kept in hundredths (4.67 is 467), so that rounding never depends on
/// floating-point noise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WeightedAverage {
    weighted_sum: i64,
    weights: i64,
}

impl WeightedAverage {
    /// Adds one mark with its weight.
    pub fn add(&mut self, value: i16, weight: i16) {
        self.weighted_sum += i64::from(value) * i64::from(weight);
        self.weights += i64::from(weight);
    }

    /// Whether no mark was added.
    pub fn is_empty(&self) -> bool {
        self.weights == 0
    }

    /// The average in hundredths, truncated (a display of 4.666… shows 4.66), or `None` without
    /// marks.
    pub fn hundredths(&self) -> Option<i64> {
        (self.weights > 0).then(|| self.weighted_sum * 100 / self.weights)
    }

    /// The average as a float, for display only.
    pub fn value(&self) -> Option<f64> {
        (self.weights > 0).then(|| self.weighted_sum as f64 / self.weights as f64)
    }

    /// The final mark this average gives under the school's rule: it rounds up when its
    /// fractional part reaches `threshold` hundredths (50 is ordinary rounding, many schools
    /// use 60).
    pub fn rounded(&self, threshold: i16) -> Option<i16> {
        let hundredths = self.hundredths()?;
        let whole = hundredths / 100;
        let fraction = hundredths % 100;
        let up = i64::from(fraction >= i64::from(threshold));
        i16::try_from(whole + up).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn average(marks: &[(i16, i16)]) -> WeightedAverage {
        let mut avg = WeightedAverage::default();
        for (value, weight) in marks {
            avg.add(*value, *weight);
        }
        avg
    }

    #[test]
    fn weights_count_as_many_marks() {
        // A test (weight 3) of 5 and two oral answers of 3: (15 + 3 + 3) / 5 = 4.2.
        let avg = average(&[(5, 3), (3, 1), (3, 1)]);
        assert_eq!(avg.hundredths(), Some(420));
        assert_eq!(avg.rounded(50), Some(4));
    }

    #[test]
    fn the_schools_threshold_decides_the_rounding() {
        // 3.5 exactly: up under ordinary rounding, down under the 0.6 rule.
        let avg = average(&[(4, 1), (3, 1)]);
        assert_eq!(avg.rounded(50), Some(4));
        assert_eq!(avg.rounded(60), Some(3));
        // 3.6 rounds up under both.
        let avg = average(&[(4, 3), (3, 2)]);
        assert_eq!(avg.hundredths(), Some(360));
        assert_eq!(avg.rounded(60), Some(4));
    }

    #[test]
    fn no_marks_give_no_average() {
        assert_eq!(WeightedAverage::default().rounded(50), None);
        assert!(WeightedAverage::default().is_empty());
    }
}
