use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::{Map, Value};

/// Progress on stderr (a spinner per long step when stderr is a terminal), and a summary on
/// stdout at the end: human lines, or one JSON object with `--json`.
#[derive(Debug)]
pub(crate) struct Reporter {
    json: bool,
    summary: Map<String, Value>,
    steps: Vec<(String, f64)>,
    lines: Vec<String>,
}

impl Reporter {
    pub(crate) fn new(json: bool) -> Self {
        Self { json, summary: Map::new(), steps: Vec::new(), lines: Vec::new() }
    }

    /// Runs one step, showing progress and recording its wall time.
    pub(crate) fn step<T, E>(&mut self, name: &str, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"));
            bar.set_message(name.to_owned());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        let start = Instant::now();
        let result = f();
        let secs = start.elapsed().as_secs_f64();
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        self.record(name, secs, result.is_ok());
        result
    }

    /// Records a step timed elsewhere (an async chain step).
    pub(crate) fn record(&mut self, name: &str, secs: f64, ok: bool) {
        let mark = if ok { "ok  " } else { "FAIL" };
        eprintln!("[{mark}] {name:<44} {secs:>8.2} s");
        self.steps.push((name.to_owned(), secs));
    }

    /// A line of information on stderr.
    pub(crate) fn note(&self, msg: impl AsRef<str>) {
        eprintln!("       {}", msg.as_ref());
    }

    /// A warning that must not be missed.
    pub(crate) fn warn(&self, msg: impl AsRef<str>) {
        eprintln!("\n!!!!!! {}\n", msg.as_ref());
    }

    /// Records a summary value.
    pub(crate) fn set(&mut self, key: &str, value: impl Serialize) {
        self.summary.insert(key.to_owned(), serde_json::to_value(value).unwrap_or(Value::Null));
    }

    /// Adds a line to the human summary.
    pub(crate) fn line(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    /// Prints the summary on stdout.
    pub(crate) fn finish(mut self) {
        let steps: Map<String, Value> =
            self.steps.iter().map(|(n, s)| (n.clone(), Value::from((s * 1000.0).round() / 1000.0))).collect();
        self.summary.insert("stepSeconds".into(), Value::Object(steps));
        if self.json {
            println!("{}", Value::Object(self.summary));
        } else {
            for line in &self.lines {
                println!("{line}");
            }
        }
    }
}
