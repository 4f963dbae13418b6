-- Cluster mode: every node has its own spool, so its writer streams and its event evaluation keep
-- their own watermark rows. A single node is node '' (the rows that existed before keep meaning it).
ALTER TABLE ingest_watermark ADD COLUMN node text NOT NULL DEFAULT '';
ALTER TABLE ingest_watermark DROP CONSTRAINT ingest_watermark_pkey;
ALTER TABLE ingest_watermark ADD PRIMARY KEY (node, stream);

ALTER TABLE event_watermark DROP CONSTRAINT event_watermark_id_check;
ALTER TABLE event_watermark DROP CONSTRAINT event_watermark_pkey;
ALTER TABLE event_watermark ADD COLUMN node text NOT NULL DEFAULT '';
ALTER TABLE event_watermark ADD PRIMARY KEY (node);
