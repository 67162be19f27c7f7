-- 0021: the control room takes the cameras' alerts of kind `unreadable`
-- (docs/alerts.md: a vehicle whose plate was found in at least 3 frames
-- of its pass but read in none: defaced, a "ghost" plate, covered). Not a
-- hit: no mark, no match, no action (anpr.hit_action refuses any kind
-- but the hits'); stored as every alert line is, shown on the page's
-- list of camera events with each camera's count (docs/console.md).
ALTER TABLE anpr.alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE anpr.alerts ADD CONSTRAINT alerts_kind_check
	CHECK (kind IN ('hit', 'hit-record', 'hit-searchback', 'health', 'info',
			'unreadable'));
