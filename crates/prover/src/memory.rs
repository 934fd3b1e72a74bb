//! The memory guard: a circuit is only built for keygen, proving or MockProver when the cost
//! model's estimate of the peak ([`Estimate::peak_memory_bytes`]) fits the memory at hand, so a
//! model too large for the machine is refused with the estimate instead of being killed.

use std::path::Path;

use zkinfer_circuit::{Estimate, Floor, Layout};
use zkinfer_model::QuantizedModel;

use crate::{Error, Result};

/// How much memory a command may use, and where that figure came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryBudget {
    /// Bytes.
    pub bytes: u64,
    /// `--memory-budget`, the cgroup's limit or the kernel's `MemAvailable`.
    pub source: String,
}

impl MemoryBudget {
    /// `given` (bytes, from `--memory-budget`) when set; otherwise what this process can still
    /// take: the smaller of `MemAvailable` and the room left under its cgroup's limit. `None`
    /// when neither can be read (not Linux), and then nothing is refused.
    pub fn resolve(given: Option<u64>) -> Option<Self> {
        if let Some(bytes) = given {
            return Some(Self { bytes, source: "--memory-budget".into() });
        }
        let available = meminfo_available(Path::new("/proc/meminfo"))
            .map(|bytes| Self { bytes, source: "MemAvailable in /proc/meminfo".into() });
        let cgroup = cgroup_room(Path::new("/sys/fs/cgroup"))
            .map(|bytes| Self { bytes, source: "the room under this cgroup's memory.max".into() });
        match (available, cgroup) {
            (Some(a), Some(c)) => Some(if c.bytes < a.bytes { c } else { a }),
            (a, c) => a.or(c),
        }
    }

    /// Refuses `model` when the least memory any of its layouts takes ([`Floor::of`]) exceeds
    /// the budget: checked before the layout search, which assigns the whole witness.
    pub fn check_floor(&self, what: &str, model: &QuantizedModel) -> Result<Floor> {
        let floor = Floor::of(model);
        if floor.peak_memory_bytes > self.bytes {
            return Err(Error::OverMemoryFloor {
                what: what.to_owned(),
                cells: floor.advice_cells,
                macs: floor.multiply_accumulates,
                values: floor.computed_values,
                floor: floor.peak_memory_bytes,
                budget: self.bytes,
                budget_from: self.source.clone(),
            });
        }
        Ok(floor)
    }

    /// Refuses `layout` when its estimated peak exceeds the budget; `what` names the step.
    pub fn check(&self, what: &str, layout: &Layout) -> Result<Estimate> {
        let estimate = layout.estimate();
        self.check_peak(what, layout.k(), estimate.peak_memory_bytes, MODEL_WAYS_OUT)?;
        Ok(estimate)
    }

    /// Refuses a step of a circuit of `2^k` rows whose estimated peak is `estimate` bytes when
    /// that exceeds the budget; `ways_out` says what the user can do instead.
    pub fn check_peak(&self, what: &str, k: u32, estimate: u64, ways_out: &'static str) -> Result<()> {
        if estimate > self.bytes {
            return Err(Error::OverMemoryBudget {
                what: what.to_owned(),
                ways_out,
                k,
                estimate,
                budget: self.bytes,
                budget_from: self.source.clone(),
            });
        }
        Ok(())
    }
}

/// What to do about a model circuit over the budget.
const MODEL_WAYS_OUT: &str = "smaller fixed-point scales (`compile --input-scale/--param-scale`: fewer rows), `--dense-gate on` for dense and convolution layers, or `--memory-budget <GB>` if the estimate is too pessimistic for this machine (automatic splitting into segments is not available yet)";

/// `MemAvailable` of a `/proc/meminfo`-format file, in bytes.
fn meminfo_available(path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// `memory.max - memory.current` of a cgroup v2 directory (`None` without a limit).
fn cgroup_room(dir: &Path) -> Option<u64> {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    let max: u64 = read("memory.max")?.trim().parse().ok()?;
    let current: u64 = read("memory.current").and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    Some(max.saturating_sub(current))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_meminfo_and_cgroup_limits() {
        let dir = tempfile::tempdir().unwrap();
        let meminfo = dir.path().join("meminfo");
        std::fs::write(&meminfo, "MemTotal: 24000000 kB\nMemFree: 1 kB\nMemAvailable:   20000000 kB\n")
            .unwrap();
        assert_eq!(meminfo_available(&meminfo), Some(20_000_000 * 1024));
        std::fs::write(dir.path().join("memory.max"), "8589934592\n").unwrap();
        std::fs::write(dir.path().join("memory.current"), "1073741824\n").unwrap();
        assert_eq!(cgroup_room(dir.path()), Some(7 << 30));
        std::fs::write(dir.path().join("memory.max"), "max\n").unwrap();
        assert_eq!(cgroup_room(dir.path()), None);
        assert_eq!(MemoryBudget::resolve(Some(5)).unwrap().bytes, 5);
    }

    #[test]
    fn refuses_a_layout_whose_peak_exceeds_the_budget() {
        let layout: Layout = serde_json::from_value(serde_json::json!({
            "params": {"k": 24, "num_advice_per_phase": [8], "num_fixed": 1,
                       "num_lookup_advice_per_phase": [1], "lookup_bits": 23, "num_instance_columns": 1},
            "advice_cells": 0, "lookup_cells": 0, "num_instances": 2
        }))
        .unwrap();
        let peak = layout.estimate().peak_memory_bytes;
        let budget = MemoryBudget { bytes: peak - 1, source: "--memory-budget".into() };
        let err = budget.check("keygen", &layout).unwrap_err().to_string();
        assert!(err.contains("keygen") && err.contains("k=24") && err.contains("--memory-budget"), "{err}");
        let roomy = MemoryBudget { bytes: peak, source: "--memory-budget".into() };
        assert_eq!(roomy.check("keygen", &layout).unwrap().peak_memory_bytes, peak);
    }
}
