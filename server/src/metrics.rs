//! Prometheus metrics of one application, through the `metrics` facade and its Prometheus
//! exporter.
//!
//! Every [`Application`](crate::Application) owns its recorder instead of installing a global
//! one: a process may run several applications (the end-to-end tests start one per test), a
//! global recorder can be installed only once, and each `/metrics` must count its own server.
//! Handles are registered once through [`metrics::with_local_recorder`] and then used directly,
//! so that recording never depends on which recorder happens to be current on a thread.
//!
//! The names and meanings of the counters from before the exporter are kept, so that
//! dashboards keep working: `dnevnik_http_requests_total`, `dnevnik_http_client_errors_total`,
//! `dnevnik_http_server_errors_total` and `dnevnik_uptime_seconds`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use metrics::{Counter, Gauge, Histogram, Recorder, Unit};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

/// HTTP requests answered.
const REQUESTS: &str = "dnevnik_http_requests_total";
/// Requests answered with a 4xx status.
const CLIENT_ERRORS: &str = "dnevnik_http_client_errors_total";
/// Requests answered with a 5xx status.
const SERVER_ERRORS: &str = "dnevnik_http_server_errors_total";
/// Seconds since the application started serving.
const UPTIME: &str = "dnevnik_uptime_seconds";
/// How long HTTP requests took, by status class.
const HTTP_DURATION: &str = "dnevnik_http_request_duration_seconds";
/// How long GraphQL requests took, by operation and outcome.
const GRAPHQL_DURATION: &str = "dnevnik_graphql_request_duration_seconds";

/// Histogram buckets, in seconds, for a web API: from a cached 1 ms answer to the 10 s where
/// requests time out anyway.
const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The `operation` label of a request without an operation name.
pub const ANONYMOUS: &str = "anonymous";
/// The `operation` label of a name that is not accepted as a label (see
/// [`operation_label`]), and of new names once [`MAX_OPERATIONS`] are tracked.
pub const OTHER: &str = "other";

/// How many distinct operation names get series of their own. Every name that is a valid
/// label is still chosen by the client: without a cap, a client sending ever new names would
/// grow the series (and this process's memory) without bound. The application's own
/// operations number a few dozen.
pub const MAX_OPERATIONS: usize = 256;

/// Longest operation name kept as a label.
const MAX_NAME: usize = 64;

/// How often recorded histogram samples are folded into their buckets when nobody scrapes:
/// the exporter keeps raw samples until then, which would grow without bound on a replica
/// whose `/metrics` is never read (production without a token).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// One duration histogram per outcome of an operation.
struct Outcomes {
    ok: Histogram,
    error: Histogram,
}

impl Outcomes {
    fn get(&self, ok: bool) -> &Histogram {
        if ok { &self.ok } else { &self.error }
    }
}

/// The metrics of one application, exported in the Prometheus text format. Per replica by
/// nature: the scraper adds replicas up.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    started: Instant,
    /// Milliseconds after `started` of the last upkeep (see [`UPKEEP_EVERY`]).
    last_upkeep: AtomicU64,
    requests: Counter,
    client_errors: Counter,
    server_errors: Counter,
    uptime: Gauge,
    /// By status class: index 0 for 1xx up to 4 for 5xx.
    http_duration: [Histogram; 5],
    anonymous: Outcomes,
    other: Outcomes,
    /// Named operations seen so far, at most [`MAX_OPERATIONS`].
    operations: Mutex<HashMap<String, Outcomes>>,
}

impl Default for Metrics {
    fn default() -> Self {
        // `set_buckets` refuses only an empty list, and `BUCKETS` is not empty; were it ever
        // refused, the histograms would still be exported, as summaries.
        let builder = PrometheusBuilder::new()
            .set_buckets(&BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        let (requests, client_errors, server_errors, uptime, http_duration) =
            metrics::with_local_recorder(&recorder, || {
                metrics::describe_counter!(REQUESTS, "HTTP requests answered.");
                metrics::describe_counter!(CLIENT_ERRORS, "Requests answered with a 4xx status.");
                metrics::describe_counter!(SERVER_ERRORS, "Requests answered with a 5xx status.");
                metrics::describe_gauge!(
                    UPTIME,
                    Unit::Seconds,
                    "Seconds since the process started serving."
                );
                metrics::describe_histogram!(
                    HTTP_DURATION,
                    Unit::Seconds,
                    "HTTP request duration by status class."
                );
                metrics::describe_histogram!(
                    GRAPHQL_DURATION,
                    Unit::Seconds,
                    "GraphQL request duration by operation name and outcome."
                );
                (
                    metrics::counter!(REQUESTS),
                    metrics::counter!(CLIENT_ERRORS),
                    metrics::counter!(SERVER_ERRORS),
                    metrics::gauge!(UPTIME),
                    ["1xx", "2xx", "3xx", "4xx", "5xx"]
                        .map(|class| metrics::histogram!(HTTP_DURATION, "status" => class)),
                )
            });
        // Registered up front, like the counters above, so that every series exists (at
        // zero) from the first scrape on.
        let anonymous = register_operation(&recorder, ANONYMOUS);
        let other = register_operation(&recorder, OTHER);
        Self {
            recorder,
            handle,
            started: Instant::now(),
            last_upkeep: AtomicU64::new(0),
            requests,
            client_errors,
            server_errors,
            uptime,
            http_duration,
            anonymous,
            other,
            operations: Mutex::new(HashMap::new()),
        }
    }
}

/// Registers the two duration histograms of an operation label.
fn register_operation(recorder: &dyn Recorder, operation: &str) -> Outcomes {
    metrics::with_local_recorder(recorder, || {
        let histogram = |outcome: &'static str| {
            metrics::histogram!(
                GRAPHQL_DURATION,
                "operation" => operation.to_owned(),
                "outcome" => outcome,
            )
        };
        Outcomes {
            ok: histogram("ok"),
            error: histogram("error"),
        }
    })
}

impl Metrics {
    /// Counts one answered request by its status, and how long it took.
    pub fn record(&self, status: u16, took: Duration) {
        self.requests.increment(1);
        if (400..500).contains(&status) {
            self.client_errors.increment(1);
        } else if status >= 500 {
            self.server_errors.increment(1);
        }
        // `StatusCode` holds 100..=999; whatever lies above 5xx counts with it, as above.
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        if let Some(histogram) = self.http_duration.get(class) {
            histogram.record(took.as_secs_f64());
        }
        self.upkeep_if_due();
    }

    /// Records how long a GraphQL request took. `operation` is a label from
    /// [`operation_label`]; `ok` is whether the response carried no errors.
    pub fn record_graphql(&self, operation: &str, ok: bool, took: Duration) {
        let seconds = took.as_secs_f64();
        match operation {
            ANONYMOUS => self.anonymous.get(ok).record(seconds),
            OTHER => self.other.get(ok).record(seconds),
            name => {
                let mut operations = self
                    .operations
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if let Some(outcomes) = operations.get(name) {
                    outcomes.get(ok).record(seconds);
                } else if operations.len() < MAX_OPERATIONS {
                    let outcomes = register_operation(&self.recorder, name);
                    outcomes.get(ok).record(seconds);
                    operations.insert(name.to_owned(), outcomes);
                } else {
                    self.other.get(ok).record(seconds);
                }
            }
        }
    }

    /// Folds histogram samples into buckets at most every [`UPKEEP_EVERY`]. Run from the
    /// request path rather than a timer, so that it needs no task of its own; one request in
    /// a few seconds pays for it.
    fn upkeep_if_due(&self) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.last_upkeep.load(Ordering::Relaxed);
        let every = u64::try_from(UPKEEP_EVERY.as_millis()).unwrap_or(u64::MAX);
        // Only the request that wins the exchange runs it.
        if now.saturating_sub(last) >= every
            && self
                .last_upkeep
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.handle.run_upkeep();
        }
    }

    /// Everything in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        self.uptime.set(self.started.elapsed().as_secs_f64());
        self.handle.render()
    }
}

/// The `operation` label of a GraphQL request: the `operationName` it sent or, without one,
/// the name of the document's only operation; [`ANONYMOUS`] for an unnamed operation (or a
/// document whose operation cannot be told without a name, which the engine refuses); and
/// [`OTHER`] for a name that does not look like one (`^[A-Za-z_][A-Za-z0-9_]{0,63}$`), so that
/// a client cannot fill the series with junk.
pub fn operation_label<'a>(operation_name: Option<&'a str>, query: &'a str) -> &'a str {
    let name = match operation_name {
        Some(name) => Some(name),
        None => sole_operation_name(query),
    };
    match name {
        None => ANONYMOUS,
        Some(name) if is_label(name) => name,
        Some(_) => OTHER,
    }
}

/// Whether a name matches `^[A-Za-z_][A-Za-z0-9_]{0,63}$`.
fn is_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() <= MAX_NAME
        && bytes
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// What the top-level tokens read so far belong to.
#[derive(Clone, Copy, PartialEq)]
enum Header {
    /// Between definitions.
    Between,
    /// After `query`, `mutation` or `subscription`; `true` while the next token would be the
    /// operation's name.
    Operation(bool),
    /// After `fragment`, up to its selection set.
    Fragment,
}

/// The name of a document's operation when it holds exactly one and that one is named.
///
/// A single pass over the top level of the text, skipping strings, comments and everything in
/// brackets: the engine parses the document later anyway, and parsing it here as well would
/// do so before the nesting guard of [`crate::graphql::limits`] has looked at it. A document
/// the parser would refuse may get any answer here; it only picks a label.
fn sole_operation_name(query: &str) -> Option<&str> {
    let bytes = query.as_bytes();
    let (mut depth, mut operations, mut name) = (0usize, 0usize, None);
    let mut header = Header::Between;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                if depth == 0 {
                    if bytes[i] == b'{' {
                        // A selection set with no header before it is an anonymous query.
                        if header == Header::Between {
                            operations += 1;
                            name = None;
                        }
                        header = Header::Between;
                    } else if header == Header::Operation(true) {
                        header = Header::Operation(false);
                    }
                }
                depth += 1;
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b if depth == 0 && (b.is_ascii_alphabetic() || b == b'_') => {
                let start = i;
                while i + 1 < bytes.len()
                    && (bytes[i + 1].is_ascii_alphanumeric() || bytes[i + 1] == b'_')
                {
                    i += 1;
                }
                // ASCII at both ends, so both are character boundaries.
                let word = query.get(start..=i).unwrap_or_default();
                match header {
                    Header::Between => match word {
                        "query" | "mutation" | "subscription" => {
                            operations += 1;
                            name = None;
                            header = Header::Operation(true);
                        }
                        "fragment" => header = Header::Fragment,
                        _ => {}
                    },
                    Header::Operation(true) => {
                        name = Some(word);
                        header = Header::Operation(false);
                    }
                    Header::Operation(false) | Header::Fragment => {}
                }
            }
            // Ignored tokens between a keyword and the name.
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {}
            // Anything else (a directive's `@`, …) means the operation has no name.
            _ if header == Header::Operation(true) => header = Header::Operation(false),
            _ => {}
        }
        i += 1;
    }
    if operations == 1 { name } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operation_name_sent_wins() {
        assert_eq!(operation_label(Some("Probe"), "query Other { a }"), "Probe");
        assert_eq!(operation_label(Some(&"x".repeat(64)), "{ a }").len(), 64);
        assert_eq!(operation_label(Some(&"x".repeat(65)), "{ a }"), OTHER);
        assert_eq!(operation_label(Some("9lives"), "{ a }"), OTHER);
        assert_eq!(operation_label(Some("bad name"), "{ a }"), OTHER);
        assert_eq!(operation_label(Some(""), "{ a }"), OTHER);
    }

    #[test]
    fn without_one_the_documents_only_operation_names_it() {
        let label = |query| operation_label(None, query);
        assert_eq!(label("query Probe { __typename }"), "Probe");
        assert_eq!(
            label("  # query Nope\n mutation Save($a: Int) { a }"),
            "Save"
        );
        assert_eq!(
            label("fragment F on Q { a } query Named @d { ...F }"),
            "Named"
        );
        assert_eq!(label("subscription query { a }"), "query");
        assert_eq!(label("{ __typename }"), ANONYMOUS);
        assert_eq!(label("query { a(s: \"query X\") }"), ANONYMOUS);
        assert_eq!(label("query ($a: Int) { a }"), ANONYMOUS);
        assert_eq!(label("query @d { a }"), ANONYMOUS);
        assert_eq!(label("query A { a } query B { b }"), ANONYMOUS);
        assert_eq!(label("query A { a } { b }"), ANONYMOUS);
        assert_eq!(label(""), ANONYMOUS);
        assert_eq!(label(&format!("query {} {{ a }}", "Q".repeat(300))), OTHER);
    }

    #[test]
    fn a_server_counts_only_its_own_requests_and_keeps_the_old_names() {
        let (one, two) = (Metrics::default(), Metrics::default());
        one.record(200, Duration::from_millis(3));
        one.record(404, Duration::from_millis(3));
        one.record(503, Duration::from_millis(3));
        one.record_graphql("Probe", true, Duration::from_millis(2));
        let text = one.render();
        for line in [
            "dnevnik_http_requests_total 3",
            "dnevnik_http_client_errors_total 1",
            "dnevnik_http_server_errors_total 1",
            "# TYPE dnevnik_uptime_seconds gauge",
            "dnevnik_http_request_duration_seconds_bucket{status=\"2xx\",le=\"0.005\"} 1",
            "dnevnik_graphql_request_duration_seconds_count{operation=\"Probe\",outcome=\"ok\"} 1",
            "dnevnik_graphql_request_duration_seconds_count{operation=\"Probe\",outcome=\"error\"} 0",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
        assert!(two.render().contains("dnevnik_http_requests_total 0"));
    }

    #[test]
    fn new_names_beyond_the_cap_count_as_other() {
        let metrics = Metrics::default();
        for n in 0..=MAX_OPERATIONS {
            metrics.record_graphql(&format!("Op{n}"), true, Duration::ZERO);
        }
        let text = metrics.render();
        assert!(text.contains("operation=\"Op0\""));
        assert!(!text.contains(&format!("operation=\"Op{MAX_OPERATIONS}\"")));
        assert!(
            text.contains(
                "dnevnik_graphql_request_duration_seconds_count{operation=\"other\",outcome=\"ok\"} 1"
            ),
            "{text}"
        );
    }
}
