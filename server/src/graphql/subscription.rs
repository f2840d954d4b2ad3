//! Subscriptions over graphql-ws at `/graphql/ws`: a child's marks as they are recorded,
//! changed or withdrawn, and one's new messages. Authorised when subscribing by the same policy
//! as reads, and again for every event: the session must still be live and the viewer must
//! still see the child (an unlinked parent stops hearing at once). Events come from
//! [`crate::live`], which every replica hears through the database.

use async_graphql::{Context, Enum, ID, SimpleObject, Subscription};
use futures::Stream;
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::{Receiver, error::RecvError};

use super::communication::Message;
use super::context::ContextExt;
use super::diary::Mark;
use super::ids::{self, Kind};
use crate::auth::session::{self, SessionPolicy};
use crate::error::{AppError, AppResult};
use crate::live::LiveEvent;
use crate::policy::Viewer;
use crate::service::{self, nodes, watch::MarkChange};

/// What happened to a mark.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum MarkUpdateKind {
    /// A new mark.
    Recorded,
    /// Its value, weight, form, comment or exam flag changed.
    Changed,
    /// It was withdrawn.
    Deleted,
}

/// A mark that was recorded, changed or withdrawn.
#[derive(SimpleObject)]
pub struct MarkUpdate {
    /// What happened.
    pub kind: MarkUpdateKind,
    /// The mark's id.
    pub mark_id: ID,
    /// The mark as it is now, with its history; `null` once withdrawn.
    pub mark: Option<Mark>,
}

/// A message that arrived for the viewer.
#[derive(SimpleObject)]
pub struct MessageReceived {
    /// The conversation's id (open it with `node(id:)`).
    pub conversation_id: ID,
    /// The message.
    pub message: Message,
}

/// What every event of a stream is checked with.
#[derive(Clone)]
struct Watch {
    db: DatabaseConnection,
    token: Option<String>,
    policy: SessionPolicy,
    clock: crate::clock::Clock,
}

impl Watch {
    /// The viewer as they are now, or `None` when their session has ended.
    async fn viewer(&self) -> AppResult<Option<Viewer>> {
        let Some(token) = &self.token else {
            return Ok(None);
        };
        let Some(found) =
            session::authenticate(&self.db, token, self.policy, self.clock.now()).await?
        else {
            return Ok(None);
        };
        Ok(Some(
            Viewer::load(&self.db, &found.account, found.session.id).await?,
        ))
    }
}

/// The next event a predicate picks from a receiver; `None` when the hub is gone. A slow
/// subscriber that fell behind skips what it missed rather than failing.
async fn next_event(
    receiver: &mut Receiver<LiveEvent>,
    wanted: impl Fn(&LiveEvent) -> bool,
) -> Option<LiveEvent> {
    loop {
        match receiver.recv().await {
            Ok(event) if wanted(&event) => return Some(event),
            Ok(_) | Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return None,
        }
    }
}

/// Live updates.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Live updates over graphql-ws at `/graphql/ws`. Send the session token in the
/// `connection_init` payload as `{"authorization": "Bearer <token>"}`, or connect from the
/// diary's own pages with the session cookie.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// A student's marks as teachers record, change or withdraw them — for whoever may read
    /// that student's marks (a subject teacher hears their subjects only). The stream ends
    /// when the session does or the viewer no longer sees the student.
    async fn mark_updated(
        &self,
        ctx: &Context<'_>,
        student_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = MarkUpdate>> {
        let request = ctx.request()?;
        let viewer = ctx.viewer()?;
        let student_id = ids::decode(&student_id, Kind::Student)?;
        nodes::student_access(&request.db, viewer, student_id).await?;
        // Subscribed before answering, so nothing committed from now on is missed.
        let receiver = request.live.subscribe();
        let watch = Watch {
            db: request.db.clone(),
            token: request.token.clone(),
            policy: request.config.session_policy(),
            clock: request.clock.clone(),
        };
        Ok(futures::stream::unfold(
            (receiver, watch),
            move |(mut receiver, watch)| async move {
                loop {
                    let event = next_event(
                        &mut receiver,
                        |e| matches!(e, LiveEvent::Mark { student_id: s, .. } if *s == student_id),
                    )
                    .await?;
                    let LiveEvent::Mark { mark_id, .. } = event else {
                        continue;
                    };
                    match mark_update(&watch, student_id, mark_id).await {
                        Ok(Some(update)) => return Some((update, (receiver, watch))),
                        // Not this viewer's subject: wait for the next one.
                        Ok(None) => continue,
                        // The session ended or the child is no longer theirs: the stream ends.
                        Err(_) => return None,
                    }
                }
            },
        ))
    }

    /// Messages sent to the viewer in any of their conversations. The stream ends when the
    /// session does.
    async fn message_received(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = MessageReceived>> {
        let request = ctx.request()?;
        let viewer = ctx.viewer()?;
        let me = viewer.account_id();
        let receiver = request.live.subscribe();
        let watch = Watch {
            db: request.db.clone(),
            token: request.token.clone(),
            policy: request.config.session_policy(),
            clock: request.clock.clone(),
        };
        Ok(futures::stream::unfold(
            (receiver, watch),
            move |(mut receiver, watch)| async move {
                loop {
                    let event = next_event(&mut receiver, |e| {
                        matches!(e, LiveEvent::Message { recipients, .. } if recipients.contains(&me))
                    })
                    .await?;
                    let LiveEvent::Message {
                        conversation_id,
                        message_id,
                        ..
                    } = event
                    else {
                        continue;
                    };
                    match message_received(&watch, conversation_id, message_id).await {
                        Ok(Some(received)) => return Some((received, (receiver, watch))),
                        Ok(None) => continue,
                        Err(_) => return None,
                    }
                }
            },
        ))
    }
}

/// The update for one mark event, checked against the viewer as they are now: `Err` ends the
/// stream (session over, student no longer visible); `Ok(None)` skips the event.
async fn mark_update(
    watch: &Watch,
    student_id: i64,
    mark_id: i64,
) -> AppResult<Option<MarkUpdate>> {
    let viewer = watch.viewer().await?.ok_or(AppError::Unauthenticated)?;
    let Some(change) = service::watch::mark(&watch.db, &viewer, student_id, mark_id).await? else {
        return Ok(None);
    };
    let (kind, id, mark) = match change {
        MarkChange::Recorded(view) => (MarkUpdateKind::Recorded, view.mark.id, Some(view)),
        MarkChange::Changed(view) => (MarkUpdateKind::Changed, view.mark.id, Some(view)),
        MarkChange::Deleted(id) => (MarkUpdateKind::Deleted, id, None),
    };
    Ok(Some(MarkUpdate {
        kind,
        mark_id: ids::encode(Kind::Mark, id),
        mark: mark.map(Mark),
    }))
}

/// The message of one event, if the viewer (still signed in) takes part in its conversation.
async fn message_received(
    watch: &Watch,
    conversation_id: i64,
    message_id: i64,
) -> AppResult<Option<MessageReceived>> {
    let viewer = watch.viewer().await?.ok_or(AppError::Unauthenticated)?;
    let Some(arrived) =
        service::watch::message(&watch.db, &viewer, conversation_id, message_id).await?
    else {
        return Ok(None);
    };
    Ok(Some(MessageReceived {
        conversation_id: ids::encode(Kind::Conversation, conversation_id),
        message: Message::new(
            arrived.message,
            viewer.account_id(),
            &arrived.mine,
            &arrived.participants,
        ),
    }))
}
