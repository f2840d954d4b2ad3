//! Every limit of the GraphQL endpoint accepts a document at its boundary and rejects one just
//! past it (SECURITY.md, "GraphQL endpoint").

use dnevnik_tests::TestApp;
use serde_json::{Value, json};

fn rejected(response: &dnevnik_tests::GraphqlResponse) -> bool {
    response.error_codes().iter().any(|c| c == "BAD_USER_INPUT")
}

/// A selection `depth` levels deep: viewer → students → student → classUnit, then
/// school → classUnits → school … (a cycle in the schema), then `name`.
fn nested(depth: usize) -> String {
    let mut inner = "name".to_owned();
    let parts: Vec<&str> = (0..depth.saturating_sub(5))
        .map(|i| if i % 2 == 0 { "school" } else { "classUnits" })
        .collect();
    for part in parts.iter().rev() {
        inner = format!("{part} {{ {inner} }}");
    }
    format!("{{ viewer {{ students {{ student {{ classUnit {{ {inner} }} }} }} }} }}")
}

#[tokio::test]
async fn depth_is_accepted_at_ten_and_rejected_at_eleven() {
    // Nested lists of classes multiply the complexity: lift that limit to see the depth one.
    let app = TestApp::spawn_with(|c| c.graphql_max_complexity = usize::MAX).await;
    let at = app.graphql(&nested(10), json!({})).await;
    assert!(!rejected(&at), "depth 10 rejected: {}", at.body);
    let past = app.graphql(&nested(11), json!({})).await;
    assert!(rejected(&past), "depth 11 accepted: {}", past.body);
    assert!(
        past.body.to_string().contains("nested too deep"),
        "{}",
        past.body
    );
}

#[tokio::test]
async fn complexity_counts_page_sizes_and_list_lengths_and_stops_at_its_limit() {
    // marks(first: N) { nodes { id } } costs 2N; student adds 1; the plain list `students`
    // counts its expected length, two children: 2 × (1 + 2N); viewer adds 1: 3 + 4N.
    let app = TestApp::spawn_with(|c| c.graphql_max_complexity = 43).await;
    let query = |n: u32| {
        format!(
            "{{ viewer {{ students {{ student {{ marks(first: {n}) {{ nodes {{ id }} }} }} }} }} }}"
        )
    };
    let at = app.graphql(&query(10), json!({})).await;
    assert!(!rejected(&at), "complexity 43 rejected: {}", at.body);
    let past = app.graphql(&query(11), json!({})).await;
    assert!(rejected(&past), "complexity 47 accepted: {}", past.body);
    assert!(past.body.to_string().contains("complex"), "{}", past.body);
}

#[tokio::test]
async fn a_short_query_for_every_mark_of_a_school_is_refused_before_it_runs() {
    // 170 bytes that once answered 9 MB: lists of classes and their students used to cost 1
    // each. Now 30 classes × 30 students × 100 marks × their fields, far over 50,000.
    let app = TestApp::spawn().await;
    let query = "{ school(id: \"U2Nob29sOjE\") { classUnits { students { fullName marks(first: 100) \
                 { nodes { value weight comment date subject { name } } } } } } }";
    let response = app.graphql(query, json!({})).await;
    assert!(rejected(&response), "{}", response.body);
    assert!(
        response.body.to_string().contains("complex"),
        "{}",
        response.body
    );
}

#[tokio::test]
async fn page_size_is_accepted_at_one_hundred_and_rejected_at_one_hundred_one() -> anyhow::Result<()>
{
    let app = TestApp::spawn_demo().await;
    let token = app.sign_in("student", "demo-student").await;
    let query = |n: u32| {
        format!(
            "{{ viewer {{ students {{ student {{ marks(first: {n}) {{ nodes {{ id }} }} }} }} }} }}"
        )
    };
    let at = app.graphql_as(&token, &query(100), json!({})).await;
    at.assert_ok();
    let past = app.graphql_as(&token, &query(101), json!({})).await;
    assert!(rejected(&past), "{}", past.body);
    Ok(())
}

#[tokio::test]
async fn aliases_are_accepted_at_fifteen_and_rejected_at_sixteen() {
    let app = TestApp::spawn().await;
    let query = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}: account {{ id }}")).collect();
        format!("{{ viewer {{ {} }} }}", fields.join(" "))
    };
    let at = app.graphql(&query(15), json!({})).await;
    assert!(!rejected(&at), "{}", at.body);
    let past = app.graphql(&query(16), json!({})).await;
    assert!(rejected(&past), "{}", past.body);
    // __typename aliases are free.
    let typenames: Vec<String> = (0..20).map(|i| format!("t{i}: __typename")).collect();
    let free = app
        .graphql(
            &format!(
                "{{ {} viewer {{ account {{ id }} }} }}",
                typenames.join(" ")
            ),
            json!({}),
        )
        .await;
    assert!(!rejected(&free), "{}", free.body);
}

#[tokio::test]
async fn root_fields_are_accepted_at_twenty_and_rejected_at_twenty_one() {
    let app = TestApp::spawn().await;
    let query = |n: usize| format!("{{ {} }}", vec!["viewer { account { id } }"; n].join(" "));
    let at = app.graphql(&query(20), json!({})).await;
    assert!(!rejected(&at), "{}", at.body);
    let past = app.graphql(&query(21), json!({})).await;
    assert!(rejected(&past), "{}", past.body);
}

#[tokio::test]
async fn directives_per_field_stop_at_their_limit() {
    let app = TestApp::spawn_with(|c| c.graphql_max_directives = 1).await;
    let one = app
        .graphql(
            "{ viewer @include(if: true) { account { id } } }",
            json!({}),
        )
        .await;
    assert!(!rejected(&one), "{}", one.body);
    let two = app
        .graphql(
            "{ viewer @include(if: true) @skip(if: false) { account { id } } }",
            json!({}),
        )
        .await;
    assert!(rejected(&two), "{}", two.body);
}

#[tokio::test]
async fn recursion_is_bounded_even_when_depth_is_not() {
    let app = TestApp::spawn_with(|c| {
        c.graphql_max_depth = 1000;
        c.graphql_max_complexity = usize::MAX;
    })
    .await;
    let deep = app.graphql(&nested(40), json!({})).await;
    assert!(rejected(&deep), "{}", deep.body);
    assert!(
        deep.body.to_string().to_lowercase().contains("recursi"),
        "{}",
        deep.body
    );
    let shallow = app.graphql(&nested(30), json!({})).await;
    assert!(!rejected(&shallow), "{}", shallow.body);
}

#[tokio::test]
async fn one_sensitive_mutation_per_document() {
    let app = TestApp::spawn().await;
    let login = |alias: &str| {
        format!("{alias}: login(input: {{login: \"nobody\", password: \"x\"}}) {{ token }}")
    };
    let one = app
        .graphql(&format!("mutation {{ {} }}", login("a")), json!({}))
        .await;
    assert_eq!(one.error_codes(), vec!["UNAUTHENTICATED"], "{}", one.body);
    let two = app
        .graphql(
            &format!("mutation {{ {} {} }}", login("a"), login("b")),
            json!({}),
        )
        .await;
    assert!(rejected(&two), "{}", two.body);
}

#[tokio::test]
async fn the_query_text_may_be_eight_kibibytes() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let base = "{ viewer { account { id } } }\n#";
    let padded = |len: usize| format!("{base}{}", "x".repeat(len - base.len()));
    let at = app.graphql(&padded(8 * 1024), json!({})).await;
    assert_eq!(at.status, 200, "{}", at.body);
    at.assert_ok();
    let past = app.graphql(&padded(8 * 1024 + 1), json!({})).await;
    assert_eq!(past.status, 413);
    Ok(())
}

#[tokio::test]
async fn the_body_may_be_sixty_four_kibibytes() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let body = |len: usize| {
        let head = r#"{"query":"{ viewer { account { id } } }","variables":{"p":""#;
        let tail = r#""}}"#;
        format!("{head}{}{tail}", "x".repeat(len - head.len() - tail.len()))
    };
    let send = |len: usize| {
        app.client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(body(len))
            .send()
    };
    let at = send(64 * 1024).await?;
    assert_eq!(at.status(), 200);
    let past = send(64 * 1024 + 1).await?;
    assert_eq!(past.status(), 413);
    Ok(())
}

#[tokio::test]
async fn every_error_carries_a_code() {
    let app = TestApp::spawn().await;
    for query in [
        "{ viewer { nope } }",
        "{ viewer ",
        "query { __typename } query { __typename }",
    ] {
        let response = app.graphql(query, json!({})).await;
        let errors = response.body["errors"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!errors.is_empty(), "{query}");
        for error in errors {
            assert!(error["extensions"]["code"].is_string(), "{query}: {error}");
        }
        assert_ne!(response.body["errors"][0]["message"], Value::Null);
    }
}

#[tokio::test]
async fn graphql_answers_are_not_cacheable() -> anyhow::Result<()> {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ viewer { account { id } } }" }))
        .send()
        .await?;
    assert_eq!(response.headers()["cache-control"], "no-store");
    Ok(())
}
