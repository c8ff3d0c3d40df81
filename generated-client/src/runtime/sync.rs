//! Procore's `.../sync` endpoints create or update many records in one call, at most 1,000;
//! a larger update is split into batches whose answers are merged.

use super::client::Client;
use super::error::Error;
use serde_json::Value;
use std::future::Future;

/// The most items Procore's sync endpoints accept in one call.
pub const SYNC_MAX_BATCH: usize = 1000;

/// The batch size Procore's ruby SDK uses, a good default.
pub const SYNC_BATCH_SIZE: usize = 500;

/// The answer of a sync call: the records it created or updated, and the items it refused with
/// their errors. Generated sync response types implement it; so does `serde_json::Value`
/// (its `entities` and `errors` arrays).
///
/// ```
/// use procore::SyncResponse;
/// let answer = serde_json::json!({"entities": [{"id": 1}], "errors": []});
/// let (entities, errors) = answer.into_parts();
/// assert_eq!((entities.len(), errors.len()), (1, 0));
/// ```
pub trait SyncResponse {
    /// A record created or updated.
    type Entity;
    /// An item the server refused, with its errors.
    type Failure;
    /// The records and the refused items.
    fn into_parts(self) -> (Vec<Self::Entity>, Vec<Self::Failure>);
}

impl SyncResponse for Value {
    type Entity = Value;
    type Failure = Value;
    fn into_parts(self) -> (Vec<Value>, Vec<Value>) {
        let Value::Object(mut map) = self else {
            return (Vec::new(), Vec::new());
        };
        let mut take = |key: &str| match map.remove(key) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let entities = take("entities");
        (entities, take("errors"))
    }
}

/// What a batched sync did: every batch's records and refused items, in order, and the call
/// that failed, if one did (the batches after it were not sent).
#[derive(Debug)]
pub struct SyncOutcome<E, F> {
    /// Records created or updated, from every batch sent.
    pub entities: Vec<E>,
    /// Items the server refused, from every batch sent.
    pub errors: Vec<F>,
    /// The call that failed: later items were not sent.
    pub failure: Option<SyncFailure>,
}

/// A sync call that failed as a whole (after the client's retries).
#[derive(Debug)]
pub struct SyncFailure {
    /// Index of the first item of the failed batch: items from here on were not applied, or
    /// (a call that broke off) may have been; sync calls update by id or origin id, so sending
    /// `items[first_unsent..]` again is how to resume.
    pub first_unsent: usize,
    /// Why the call failed.
    pub error: Error,
}

impl<E, F> SyncOutcome<E, F> {
    /// The records, or the failure of a call; the refused items are dropped, so check
    /// [`errors`](Self::errors) first when they matter.
    pub fn into_result(self) -> Result<Vec<E>, Error> {
        match self.failure {
            Some(f) => Err(f.error),
            None => Ok(self.entities),
        }
    }
}

impl Client {
    /// Sends `items` to a sync endpoint in batches of `batch_size` ([`SYNC_BATCH_SIZE`] is a
    /// good choice; at most [`SYNC_MAX_BATCH`]), one call after another, and merges the
    /// answers. `send` makes one call for one batch, usually a generated sync method.
    ///
    /// ```no_run
    /// # async fn demo(client: procore::Client, company_id: i64, vendors: Vec<serde_json::Value>)
    /// # -> Result<(), procore::Error> {
    /// assert!(procore::SYNC_BATCH_SIZE <= procore::SYNC_MAX_BATCH);
    /// let outcome: procore::SyncOutcome<_, _> = client
    ///     .sync_in_batches(vendors, procore::SYNC_BATCH_SIZE, |batch| async move {
    ///         // A generated sync method goes here; any call that answers the sync shape does.
    ///         Ok::<_, procore::Error>(serde_json::json!({"entities": batch, "errors": []}))
    ///     })
    ///     .await;
    /// println!("{} synced, {} refused", outcome.entities.len(), outcome.errors.len());
    /// if let Some(failure) = &outcome.failure {
    ///     let failure: &procore::SyncFailure = failure;
    ///     eprintln!("stopped at item {}: {}", failure.first_unsent, failure.error);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// A `batch_size` of 0 or above [`SYNC_MAX_BATCH`] sends nothing and reports an
    /// [`Error::Config`] failure.
    pub async fn sync_in_batches<I, R, Fut>(
        &self,
        items: Vec<I>,
        batch_size: usize,
        mut send: impl FnMut(Vec<I>) -> Fut,
    ) -> SyncOutcome<R::Entity, R::Failure>
    where
        R: SyncResponse,
        Fut: Future<Output = Result<R, Error>>,
    {
        let mut outcome = SyncOutcome {
            entities: Vec::new(),
            errors: Vec::new(),
            failure: None,
        };
        if batch_size == 0 || batch_size > SYNC_MAX_BATCH {
            outcome.failure = Some(SyncFailure {
                first_unsent: 0,
                error: Error::Config(format!(
                    "sync batch size {batch_size}: use 1 to {SYNC_MAX_BATCH} (Procore's limit per \
                     call), e.g. SYNC_BATCH_SIZE"
                )),
            });
            return outcome;
        }
        let mut rest = items.into_iter().peekable();
        let mut sent = 0;
        while rest.peek().is_some() {
            let batch: Vec<I> = rest.by_ref().take(batch_size).collect();
            let len = batch.len();
            match send(batch).await {
                Ok(answer) => {
                    let (entities, errors) = answer.into_parts();
                    outcome.entities.extend(entities);
                    outcome.errors.extend(errors);
                }
                Err(error) => {
                    outcome.failure = Some(SyncFailure {
                        first_unsent: sent,
                        error,
                    });
                    return outcome;
                }
            }
            sent += len;
        }
        outcome
    }
}
