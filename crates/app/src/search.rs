//! Following the database's `search_log` into this instance's search index, searching,
//! and rebuilding the index (`kepu reindex`).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use domain::activity::{ActivityDraft, visible_text};
use store::entities::activity as entity;
use store::sea_orm::{ColumnTrait, Condition};
use store::search::SearchDoc;

use crate::{App, AppError};

impl App {
    async fn search_doc(&self, row: &entity::Model) -> Result<SearchDoc, AppError> {
        let draft: ActivityDraft = serde_json::from_str(&row.data).map_err(AppError::internal)?;
        let mut ids = draft.hosts.clone();
        ids.extend(&draft.co_hosts);
        let hosts: Vec<String> = self
            .org_names(&ids)
            .await?
            .into_iter()
            .map(|(_, n)| n)
            .collect();
        let mut text = vec![visible_text(draft.details.as_deref().unwrap_or_default())];
        text.extend(draft.address.clone());
        text.extend(draft.sessions.iter().filter_map(|s| s.address.clone()));
        text.extend(hosts);
        Ok(SearchDoc {
            id: row.id,
            name: row.name.clone(),
            text: text.join("\n"),
            start: row.start_at.map_or(0, |t| t.timestamp()),
        })
    }

    /// Applies what the log holds beyond the index's position (approved activities are
    /// indexed, anything else removed). Safe to call from anywhere, any time.
    pub async fn catch_up_search(&self) -> Result<(), AppError> {
        let _turn = self.search_turn.lock().await;
        loop {
            let search = self.search.clone();
            let applied = tokio::task::spawn_blocking(move || search.applied())
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::internal)?;
            let entries = store::search::log::after(&self.db, applied, 2000).await?;
            let Some(last) = entries.last().map(|e| e.id) else {
                if applied != self.search_position.load(Ordering::Acquire) {
                    // Another writer of this directory (`kepu reindex`) moved the index:
                    // read what it committed.
                    let search = self.search.clone();
                    tokio::task::spawn_blocking(move || search.refresh())
                        .await
                        .map_err(AppError::internal)?
                        .map_err(AppError::internal)?;
                    self.search_position.store(applied, Ordering::Release);
                }
                return Ok(());
            };
            let ids: BTreeSet<i64> = entries.iter().map(|e| e.activity_id).collect();
            let rows = store::activities::by_ids(&self.db, ids.iter().copied()).await?;
            let mut upserts = Vec::new();
            let mut removals: Vec<i64> = ids
                .iter()
                .copied()
                .filter(|id| !rows.iter().any(|r| r.id == *id))
                .collect();
            for row in &rows {
                if row.status == domain::review::Status::Approved.as_str() {
                    upserts.push(self.search_doc(row).await?);
                } else {
                    removals.push(row.id);
                }
            }
            let search = self.search.clone();
            tokio::task::spawn_blocking(move || search.apply(&upserts, &removals, last))
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::internal)?;
            self.search_position.store(last, Ordering::Release);
        }
    }

    /// The position of the search log: it moves with every change to what is public, so
    /// that answers about public activities can be kept until it moves.
    pub(crate) async fn log_position(&self) -> Result<i64, AppError> {
        Ok(store::search::log::position(&self.db).await?)
    }

    /// Approved activities matching `text`: the `limit` most relevant ids and how many
    /// match. The index first takes in what the log holds up to `position` (only when it
    /// is behind), so that a change is searchable at once.
    pub(crate) async fn search_ids(
        &self,
        text: &str,
        limit: usize,
        position: i64,
    ) -> Result<Arc<store::search::Found>, AppError> {
        if position > self.search_position.load(Ordering::Acquire) {
            self.catch_up_search().await?;
        }
        let (search, text) = (self.search.clone(), text.to_owned());
        tokio::task::spawn_blocking(move || search.search(&text, limit))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)
    }

    /// `kepu reindex`: rebuilds this instance's index from the database. Answers how many
    /// activities were indexed.
    pub async fn reindex(&self) -> Result<u64, AppError> {
        let _turn = self.search_turn.lock().await;
        let position = store::search::log::position(&self.db).await?;
        let search = self.search.clone();
        tokio::task::spawn_blocking(move || search.clear())
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
        let mut after = 0;
        let mut count = 0;
        loop {
            let approved = Condition::all()
                .add(entity::Column::Status.eq(domain::review::Status::Approved.as_str()));
            let rows = store::activities::page_after(&self.db, approved, after, 5000).await?;
            let Some(last) = rows.last().map(|r| r.id) else {
                break;
            };
            let mut docs = Vec::with_capacity(rows.len());
            for row in &rows {
                docs.push(self.search_doc(row).await?);
            }
            count += docs.len() as u64;
            let search = self.search.clone();
            tokio::task::spawn_blocking(move || search.apply(&docs, &[], position))
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::internal)?;
            after = last;
        }
        self.search_position.store(position, Ordering::Release);
        Ok(count)
    }
}
