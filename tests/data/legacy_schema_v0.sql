-- A database made by the last watcher before schema migrations (commit 7ee8a06, meta "schema"
-- fingerprint): three items, one alert sent to one notifier and queued for another. Made by that
-- watcher with `sqlite3 watcher.db .dump`; tests/test_migrations.py upgrades it in place.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE source_state (
	name VARCHAR NOT NULL, 
	etag VARCHAR, 
	last_modified VARCHAR, 
	last_success DATETIME, 
	last_attempt DATETIME, 
	last_error VARCHAR, 
	failures INTEGER NOT NULL, 
	failing_since DATETIME, 
	next_poll DATETIME, 
	health_alerted BOOLEAN NOT NULL, 
	items_seen INTEGER NOT NULL, 
	PRIMARY KEY (name)
);
INSERT INTO source_state VALUES('wire','"v1"',NULL,NULL,'2026-11-29 09:00:00.000000',NULL,0,NULL,NULL,0,0);
CREATE TABLE item (
	id INTEGER NOT NULL, 
	source VARCHAR NOT NULL, 
	"key" VARCHAR NOT NULL, 
	url VARCHAR, 
	link VARCHAR, 
	title VARCHAR NOT NULL, 
	summary VARCHAR NOT NULL, 
	story_key VARCHAR NOT NULL, 
	published DATETIME, 
	seen_at DATETIME NOT NULL, 
	story_id INTEGER, 
	alerted BOOLEAN NOT NULL, 
	companies VARCHAR NOT NULL, 
	form VARCHAR, 
	form_items VARCHAR, 
	company VARCHAR, 
	event VARCHAR, 
	pruned BOOLEAN NOT NULL, 
	event_id INTEGER, 
	PRIMARY KEY (id), 
	UNIQUE (source, "key")
);
INSERT INTO item VALUES(1,'wire','id:g1','https://n.example/1','https://n.example/1','Nvidia to acquire Groq','','nvidia to acquire groq',NULL,'2026-11-29 09:00:00.000000',NULL,1,'',NULL,NULL,NULL,NULL,0,1);
INSERT INTO item VALUES(2,'wire','id:g2','https://n.example/2','https://n.example/2','Groq opens an office in Helsinki','','groq opens an office in helsinki',NULL,'2026-11-29 09:00:00.000000',NULL,0,'',NULL,NULL,NULL,NULL,0,NULL);
INSERT INTO item VALUES(3,'tech','id:g3','https://t.example/3','https://t.example/3','Groq agrees to a sale to Nvidia','','groq agrees to a sale to nvidia',NULL,'2026-11-29 09:00:00.000000',1,0,'',NULL,NULL,NULL,NULL,0,1);
CREATE TABLE alert (
	id INTEGER NOT NULL, 
	item_id INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	hits VARCHAR NOT NULL, 
	also VARCHAR NOT NULL, 
	event_id INTEGER, 
	update_of INTEGER, 
	facts VARCHAR, 
	PRIMARY KEY (id)
);
INSERT INTO alert VALUES(1,1,'2026-11-29 09:00:00.000000','[]','[]',1,NULL,NULL);
CREATE TABLE alert_report (
	id INTEGER NOT NULL, 
	alert_id INTEGER NOT NULL, 
	source VARCHAR NOT NULL, 
	link VARCHAR, 
	PRIMARY KEY (id)
);
INSERT INTO alert_report VALUES(1,1,'tech','https://t.example/3');
CREATE TABLE item_company (
	id INTEGER NOT NULL, 
	item_id INTEGER NOT NULL, 
	company VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO item_company VALUES(1,1,'Groq');
CREATE TABLE event_source (
	id INTEGER NOT NULL, 
	event_id INTEGER NOT NULL, 
	source VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO event_source VALUES(1,1,'wire');
INSERT INTO event_source VALUES(2,1,'tech');
CREATE TABLE event_label (
	id INTEGER NOT NULL, 
	event_id INTEGER NOT NULL, 
	kind VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE alert_fact (
	id INTEGER NOT NULL, 
	alert_id INTEGER NOT NULL, 
	fact VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE alert_hit (
	id INTEGER NOT NULL, 
	alert_id INTEGER NOT NULL, 
	rule VARCHAR NOT NULL, 
	company VARCHAR NOT NULL, 
	alias VARCHAR NOT NULL, 
	keywords VARCHAR NOT NULL, 
	field VARCHAR NOT NULL, 
	snippet VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	role VARCHAR NOT NULL, 
	stage VARCHAR, 
	counterparty VARCHAR, 
	amount VARCHAR, 
	kinds VARCHAR NOT NULL, 
	stages VARCHAR NOT NULL, 
	round VARCHAR, 
	valuation VARCHAR, 
	venue VARCHAR, 
	PRIMARY KEY (id)
);
INSERT INTO alert_hit VALUES(1,1,'deals','Groq','Groq','acquire','title','','acquisition','target',NULL,'Nvidia',NULL,'','',NULL,NULL,NULL);
CREATE TABLE event (
	id INTEGER NOT NULL, 
	company VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	role VARCHAR NOT NULL, 
	stage VARCHAR, 
	counterparty VARCHAR, 
	amount VARCHAR, 
	currency VARCHAR, 
	usd FLOAT, 
	also VARCHAR NOT NULL, 
	facts VARCHAR NOT NULL, 
	rule VARCHAR NOT NULL, 
	first_seen DATETIME NOT NULL, 
	last_seen DATETIME NOT NULL, 
	reports INTEGER NOT NULL, 
	sources VARCHAR NOT NULL, 
	alert_id INTEGER, 
	round VARCHAR, 
	valuation VARCHAR, 
	valuation_usd FLOAT, 
	venue VARCHAR, 
	marks VARCHAR, 
	PRIMARY KEY (id)
);
INSERT INTO event VALUES(1,'Groq','acquisition','target',NULL,'Nvidia',NULL,NULL,NULL,'[]','[]','deals','2026-11-29 09:00:00.000000','2026-11-29 09:00:00.000000',2,'[]',1,NULL,NULL,NULL,NULL,NULL);
CREATE TABLE outbox (
	id INTEGER NOT NULL, 
	alert_id INTEGER NOT NULL, 
	notifier VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	claimed_by INTEGER, 
	lease_until DATETIME, 
	attempts INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	next_try DATETIME, 
	last_error VARCHAR, 
	sent_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (alert_id, notifier)
);
INSERT INTO outbox VALUES(1,1,'hook','sent',NULL,NULL,1,'2026-11-29 09:00:00.000000','2026-11-29 09:00:00.000000',NULL,'2026-11-29 09:00:00.000000');
INSERT INTO outbox VALUES(2,1,'mail','pending',NULL,NULL,0,'2026-11-29 09:00:00.000000','2026-11-29 09:00:00.000000',NULL,NULL);
CREATE TABLE mute (
	id INTEGER NOT NULL, 
	target VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	until DATETIME NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE meta (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO meta VALUES('schema','2dd4665948ef850f');
CREATE INDEX ix_item_seen ON item (seen_at);
CREATE INDEX ix_item_url ON item (url);
CREATE INDEX ix_item_event_id ON item (event_id);
CREATE UNIQUE INDEX ix_alert_item_id ON alert (item_id);
CREATE INDEX ix_alert_report_alert ON alert_report (alert_id);
CREATE INDEX ix_item_company_item ON item_company (item_id);
CREATE INDEX ix_event_source_event ON event_source (event_id);
CREATE INDEX ix_event_label_event ON event_label (event_id);
CREATE INDEX ix_alert_fact_alert ON alert_fact (alert_id);
CREATE INDEX ix_alert_hit_alert ON alert_hit (alert_id);
CREATE INDEX ix_event_company ON event (company, first_seen);
CREATE INDEX ix_outbox_status ON outbox (status, next_try);
COMMIT;
