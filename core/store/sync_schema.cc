// Migration 2: the server's change log and the server's own tables.
//
// Every state row a command inserts or updates (regions ... events) is copied
// by a trigger into sync_changes: a global sequence, the table, the primary
// key (a JSON array), the row after the change (a JSON object of its columns,
// values as stored) and its scope keys, tags such as "m:<microgrid>",
// "b:<building>", "h:<household>", "p:<person>", "d:<department>",
// "rs:<region>" (the region row itself) or "all". An update that moves a row
// out of a place also records the old keys, so the devices of that place
// learn to drop it. sync_change_tags indexes (tag, seq) for scoped pulls;
// sync_blob_refs indexes which changes cite a photo.
//
// Recording is off unless sync_config.recording = 1 (EnableChangeLog, called
// by Store::Open with OpenOptions.record_changes: the server). A device never
// turns it on and pays one lookup of a one-row table per row written.
//
// The trigger and backfill text is regular: one block per table, the same
// columns in json_object, the keys as in the table of core/sync/scope.h.
#include "core/store/sync_store.h"

namespace weige::store {

extern const char kSyncMigration[];
const char kSyncMigration[] = R"sql(
CREATE TABLE sync_config(id INTEGER PRIMARY KEY CHECK(id = 1), recording INTEGER NOT NULL);
CREATE TABLE sync_changes(
  seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL, pk TEXT NOT NULL,
  row TEXT, keys TEXT NOT NULL, old_keys TEXT
);
CREATE TABLE sync_change_tags(
  tag TEXT NOT NULL, seq INTEGER NOT NULL, live INTEGER NOT NULL, PRIMARY KEY(tag, seq)
) WITHOUT ROWID;
CREATE TABLE sync_blob_refs(sha TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(sha, seq))
  WITHOUT ROWID;
CREATE TRIGGER sync_changes_index AFTER INSERT ON sync_changes BEGIN
  INSERT OR IGNORE INTO sync_change_tags(tag, seq, live)
    SELECT value, NEW.seq, 1 FROM json_each(NEW.keys) WHERE type = 'text';
  INSERT OR IGNORE INTO sync_change_tags(tag, seq, live)
    SELECT value, NEW.seq, 0 FROM json_each(NEW.old_keys) WHERE type = 'text';
  INSERT OR IGNORE INTO sync_blob_refs(sha, seq)
    SELECT value, NEW.seq FROM json_each(CASE WHEN json_valid(NEW.row ->> '$.photos')
      THEN NEW.row ->> '$.photos' END) WHERE type = 'text';
  INSERT OR IGNORE INTO sync_blob_refs(sha, seq)
    SELECT value, NEW.seq FROM json_each(CASE WHEN json_valid(NEW.row ->> '$.evidence')
      THEN NEW.row ->> '$.evidence' END) WHERE type = 'text';
END;
CREATE TRIGGER sync_changes_append_only BEFORE UPDATE ON sync_changes
  BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
-- Where a grant places its holder's person and role rows.
CREATE VIEW sync_role_tags(person_id, role, scope_id, tag) AS
  SELECT person_id, role, scope_id, 'p:' || person_id FROM roles
  UNION ALL
  SELECT person_id, role, scope_id,
    CASE role WHEN 'worker' THEN 'm:' || scope_id WHEN 'captain' THEN 'b:' || scope_id
      WHEN 'resident' THEN 'h:' || scope_id WHEN 'department' THEN 'd:' || scope_id
      WHEN 'admin' THEN CASE WHEN scope_id = '*' THEN 'all'
        WHEN (SELECT level FROM regions WHERE id = scope_id) = 'microgrid' THEN 'm:' || scope_id
        ELSE 'rs:' || scope_id END
      ELSE CASE WHEN (SELECT level FROM regions WHERE id = scope_id) = 'microgrid'
        THEN 'm:' || scope_id ELSE 'rs:' || scope_id END END
  FROM roles
  UNION ALL
  SELECT r.person_id, r.role, r.scope_id, 'm:' || b.microgrid_id
  FROM roles r JOIN buildings b ON b.id = r.scope_id WHERE r.role = 'captain'
  UNION ALL
  SELECT r.person_id, r.role, r.scope_id, 'm:' || h.microgrid_id
  FROM roles r JOIN households h ON h.id = r.scope_id WHERE r.role = 'resident';

-- Per table: an insert and a real update (some column changed) record the row.
CREATE TRIGGER sync_regions_ins AFTER INSERT ON regions WHEN (SELECT recording FROM sync_config
    WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('regions', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'parent_id', NEW.parent_id, 'level', NEW.level, 'name', NEW.name,
        'code', NEW.code, 'district_id', NEW.district_id, 'street_id', NEW.street_id,
        'community_id', NEW.community_id, 'grid_id', NEW.grid_id),
    json_array('rs:' || NEW.id));
END;
CREATE TRIGGER sync_regions_upd AFTER UPDATE ON regions WHEN (SELECT recording FROM sync_config
    WHERE id = 1) AND (NEW.id IS NOT OLD.id OR NEW.parent_id IS NOT OLD.parent_id OR NEW.level IS
    NOT OLD.level OR NEW.name IS NOT OLD.name OR NEW.code IS NOT OLD.code OR NEW.district_id IS
    NOT OLD.district_id OR NEW.street_id IS NOT OLD.street_id OR NEW.community_id IS NOT
    OLD.community_id OR NEW.grid_id IS NOT OLD.grid_id) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('regions', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'parent_id', NEW.parent_id, 'level', NEW.level, 'name', NEW.name,
        'code', NEW.code, 'district_id', NEW.district_id, 'street_id', NEW.street_id,
        'community_id', NEW.community_id, 'grid_id', NEW.grid_id),
    json_array('rs:' || NEW.id));
END;
CREATE TRIGGER sync_departments_ins AFTER INSERT ON departments WHEN (SELECT recording FROM
    sync_config WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('departments', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'name', NEW.name, 'kind', NEW.kind),
    '["all"]');
END;
CREATE TRIGGER sync_departments_upd AFTER UPDATE ON departments WHEN (SELECT recording FROM
    sync_config WHERE id = 1) AND (NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.kind IS
    NOT OLD.kind) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('departments', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'name', NEW.name, 'kind', NEW.kind),
    '["all"]');
END;
CREATE TRIGGER sync_buildings_ins AFTER INSERT ON buildings WHEN (SELECT recording FROM
    sync_config WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('buildings', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'microgrid_id', NEW.microgrid_id, 'name', NEW.name, 'address',
        NEW.address, 'units', NEW.units, 'floors', NEW.floors),
    json_array('m:' || NEW.microgrid_id, 'b:' || NEW.id));
END;
CREATE TRIGGER sync_buildings_upd AFTER UPDATE ON buildings WHEN (SELECT recording FROM
    sync_config WHERE id = 1) AND (NEW.id IS NOT OLD.id OR NEW.microgrid_id IS NOT
    OLD.microgrid_id OR NEW.name IS NOT OLD.name OR NEW.address IS NOT OLD.address OR NEW.units IS
    NOT OLD.units OR NEW.floors IS NOT OLD.floors) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys, old_keys)
  VALUES('buildings', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'microgrid_id', NEW.microgrid_id, 'name', NEW.name, 'address',
        NEW.address, 'units', NEW.units, 'floors', NEW.floors),
    json_array('m:' || NEW.microgrid_id, 'b:' || NEW.id),
    json_array('m:' || OLD.microgrid_id));
END;
CREATE TRIGGER sync_households_ins AFTER INSERT ON households WHEN (SELECT recording FROM
    sync_config WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('households', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'building_id', NEW.building_id, 'microgrid_id', NEW.microgrid_id,
        'unit', NEW.unit, 'floor', NEW.floor, 'room', NEW.room, 'head_name', NEW.head_name,
        'members', NEW.members, 'phone', NEW.phone, 'tags', NEW.tags),
    json_array('m:' || NEW.microgrid_id, 'h:' || NEW.id));
END;
CREATE TRIGGER sync_households_upd AFTER UPDATE ON households WHEN (SELECT recording FROM
    sync_config WHERE id = 1) AND (NEW.id IS NOT OLD.id OR NEW.building_id IS NOT OLD.building_id
    OR NEW.microgrid_id IS NOT OLD.microgrid_id OR NEW.unit IS NOT OLD.unit OR NEW.floor IS NOT
    OLD.floor OR NEW.room IS NOT OLD.room OR NEW.head_name IS NOT OLD.head_name OR NEW.members IS
    NOT OLD.members OR NEW.phone IS NOT OLD.phone OR NEW.tags IS NOT OLD.tags) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys, old_keys)
  VALUES('households', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'building_id', NEW.building_id, 'microgrid_id', NEW.microgrid_id,
        'unit', NEW.unit, 'floor', NEW.floor, 'room', NEW.room, 'head_name', NEW.head_name,
        'members', NEW.members, 'phone', NEW.phone, 'tags', NEW.tags),
    json_array('m:' || NEW.microgrid_id, 'h:' || NEW.id),
    json_array('m:' || OLD.microgrid_id));
END;
CREATE TRIGGER sync_people_ins AFTER INSERT ON people WHEN (SELECT recording FROM sync_config
    WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('people', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'name', NEW.name, 'phone', NEW.phone),
    (SELECT json_group_array(tag) FROM (SELECT 'p:' || NEW.id AS tag UNION SELECT tag FROM
        sync_role_tags WHERE person_id = NEW.id)));
END;
CREATE TRIGGER sync_people_upd AFTER UPDATE ON people WHEN (SELECT recording FROM sync_config
    WHERE id = 1) AND (NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.phone IS NOT
    OLD.phone) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('people', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'name', NEW.name, 'phone', NEW.phone),
    (SELECT json_group_array(tag) FROM (SELECT 'p:' || NEW.id AS tag UNION SELECT tag FROM
        sync_role_tags WHERE person_id = NEW.id)));
END;
CREATE TRIGGER sync_templates_ins AFTER INSERT ON templates WHEN (SELECT recording FROM
    sync_config WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('templates', 'upsert', json_array(NEW.id, NEW.version),
    json_object('id', NEW.id, 'version', NEW.version, 'body', NEW.body, 'published_at',
        NEW.published_at),
    '["all"]');
END;
CREATE TRIGGER sync_templates_upd AFTER UPDATE ON templates WHEN (SELECT recording FROM
    sync_config WHERE id = 1) AND (NEW.id IS NOT OLD.id OR NEW.version IS NOT OLD.version OR
    NEW.body IS NOT OLD.body OR NEW.published_at IS NOT OLD.published_at) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('templates', 'upsert', json_array(NEW.id, NEW.version),
    json_object('id', NEW.id, 'version', NEW.version, 'body', NEW.body, 'published_at',
        NEW.published_at),
    '["all"]');
END;
CREATE TRIGGER sync_visits_ins AFTER INSERT ON visits WHEN (SELECT recording FROM sync_config
    WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('visits', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'household_id', NEW.household_id, 'microgrid_id', NEW.microgrid_id,
        'cycle', NEW.cycle, 'outcome', NEW.outcome, 'counts', NEW.counts, 'worker_id',
        NEW.worker_id, 'at', NEW.at, 'template_id', NEW.template_id, 'template_version',
        NEW.template_version, 'answers', NEW.answers, 'notes', NEW.notes, 'photos', NEW.photos,
        'lat', NEW.lat, 'lng', NEW.lng),
    json_array('m:' || NEW.microgrid_id));
END;
CREATE TRIGGER sync_visits_upd AFTER UPDATE ON visits WHEN (SELECT recording FROM sync_config
    WHERE id = 1) AND (NEW.id IS NOT OLD.id OR NEW.household_id IS NOT OLD.household_id OR
    NEW.microgrid_id IS NOT OLD.microgrid_id OR NEW.cycle IS NOT OLD.cycle OR NEW.outcome IS NOT
    OLD.outcome OR NEW.counts IS NOT OLD.counts OR NEW.worker_id IS NOT OLD.worker_id OR NEW.at IS
    NOT OLD.at OR NEW.template_id IS NOT OLD.template_id OR NEW.template_version IS NOT
    OLD.template_version OR NEW.answers IS NOT OLD.answers OR NEW.notes IS NOT OLD.notes OR
    NEW.photos IS NOT OLD.photos OR NEW.lat IS NOT OLD.lat OR NEW.lng IS NOT OLD.lng) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('visits', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'household_id', NEW.household_id, 'microgrid_id', NEW.microgrid_id,
        'cycle', NEW.cycle, 'outcome', NEW.outcome, 'counts', NEW.counts, 'worker_id',
        NEW.worker_id, 'at', NEW.at, 'template_id', NEW.template_id, 'template_version',
        NEW.template_version, 'answers', NEW.answers, 'notes', NEW.notes, 'photos', NEW.photos,
        'lat', NEW.lat, 'lng', NEW.lng),
    json_array('m:' || NEW.microgrid_id));
END;
CREATE TRIGGER sync_coverage_ins AFTER INSERT ON coverage WHEN (SELECT recording FROM sync_config
    WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('coverage', 'upsert', json_array(NEW.microgrid_id, NEW.cycle, NEW.household_id),
    json_object('microgrid_id', NEW.microgrid_id, 'cycle', NEW.cycle, 'household_id',
        NEW.household_id),
    json_array('m:' || NEW.microgrid_id));
END;
CREATE TRIGGER sync_coverage_upd AFTER UPDATE ON coverage WHEN (SELECT recording FROM sync_config
    WHERE id = 1) AND (NEW.microgrid_id IS NOT OLD.microgrid_id OR NEW.cycle IS NOT OLD.cycle OR
    NEW.household_id IS NOT OLD.household_id) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('coverage', 'upsert', json_array(NEW.microgrid_id, NEW.cycle, NEW.household_id),
    json_object('microgrid_id', NEW.microgrid_id, 'cycle', NEW.cycle, 'household_id',
        NEW.household_id),
    json_array('m:' || NEW.microgrid_id));
END;
CREATE TRIGGER sync_patrols_ins AFTER INSERT ON patrols WHEN (SELECT recording FROM sync_config
    WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('patrols', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'building_id', NEW.building_id, 'captain_id', NEW.captain_id, 'at',
        NEW.at, 'notes', NEW.notes, 'photos', NEW.photos),
    json_array('m:' || (SELECT microgrid_id FROM buildings WHERE id = NEW.building_id), 'b:' ||
        NEW.building_id));
END;
CREATE TRIGGER sync_patrols_upd AFTER UPDATE ON patrols WHEN (SELECT recording FROM sync_config
    WHERE id = 1) AND (NEW.id IS NOT OLD.id OR NEW.building_id IS NOT OLD.building_id OR
    NEW.captain_id IS NOT OLD.captain_id OR NEW.at IS NOT OLD.at OR NEW.notes IS NOT OLD.notes OR
    NEW.photos IS NOT OLD.photos) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('patrols', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'building_id', NEW.building_id, 'captain_id', NEW.captain_id, 'at',
        NEW.at, 'notes', NEW.notes, 'photos', NEW.photos),
    json_array('m:' || (SELECT microgrid_id FROM buildings WHERE id = NEW.building_id), 'b:' ||
        NEW.building_id));
END;
CREATE TRIGGER sync_items_ins AFTER INSERT ON items WHEN (SELECT recording FROM sync_config WHERE
    id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('items', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'microgrid_id', NEW.microgrid_id, 'building_id', NEW.building_id,
        'household_id', NEW.household_id, 'category', NEW.category, 'title', NEW.title,
        'description', NEW.description, 'state', NEW.state, 'source', NEW.source, 'source_id',
        NEW.source_id, 'owner_person', NEW.owner_person, 'owner_dept', NEW.owner_dept, 'deadline',
        NEW.deadline, 'escalated_to', NEW.escalated_to, 'escalation_deadline',
        NEW.escalation_deadline, 'acknowledged_at', NEW.acknowledged_at, 'opened_by',
        NEW.opened_by, 'opened_at', NEW.opened_at, 'fixed_by', NEW.fixed_by, 'fixed_at',
        NEW.fixed_at, 'closed_by', NEW.closed_by, 'closed_at', NEW.closed_at, 'reopen_count',
        NEW.reopen_count, 'updated_at', NEW.updated_at),
    json_array('m:' || NEW.microgrid_id, 'b:' || NEW.building_id, 'h:' || NEW.household_id, 'p:'
        || NEW.owner_person, 'd:' || NEW.owner_dept, 'd:' || NEW.escalated_to, 'p:' || (SELECT
        resident_id FROM reports WHERE item_id = NEW.id)));
END;
CREATE TRIGGER sync_items_upd AFTER UPDATE ON items WHEN (SELECT recording FROM sync_config WHERE
    id = 1) AND (NEW.id IS NOT OLD.id OR NEW.microgrid_id IS NOT OLD.microgrid_id OR
    NEW.building_id IS NOT OLD.building_id OR NEW.household_id IS NOT OLD.household_id OR
    NEW.category IS NOT OLD.category OR NEW.title IS NOT OLD.title OR NEW.description IS NOT
    OLD.description OR NEW.state IS NOT OLD.state OR NEW.source IS NOT OLD.source OR NEW.source_id
    IS NOT OLD.source_id OR NEW.owner_person IS NOT OLD.owner_person OR NEW.owner_dept IS NOT
    OLD.owner_dept OR NEW.deadline IS NOT OLD.deadline OR NEW.escalated_to IS NOT OLD.escalated_to
    OR NEW.escalation_deadline IS NOT OLD.escalation_deadline OR NEW.acknowledged_at IS NOT
    OLD.acknowledged_at OR NEW.opened_by IS NOT OLD.opened_by OR NEW.opened_at IS NOT
    OLD.opened_at OR NEW.fixed_by IS NOT OLD.fixed_by OR NEW.fixed_at IS NOT OLD.fixed_at OR
    NEW.closed_by IS NOT OLD.closed_by OR NEW.closed_at IS NOT OLD.closed_at OR NEW.reopen_count
    IS NOT OLD.reopen_count OR NEW.updated_at IS NOT OLD.updated_at) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys, old_keys)
  VALUES('items', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'microgrid_id', NEW.microgrid_id, 'building_id', NEW.building_id,
        'household_id', NEW.household_id, 'category', NEW.category, 'title', NEW.title,
        'description', NEW.description, 'state', NEW.state, 'source', NEW.source, 'source_id',
        NEW.source_id, 'owner_person', NEW.owner_person, 'owner_dept', NEW.owner_dept, 'deadline',
        NEW.deadline, 'escalated_to', NEW.escalated_to, 'escalation_deadline',
        NEW.escalation_deadline, 'acknowledged_at', NEW.acknowledged_at, 'opened_by',
        NEW.opened_by, 'opened_at', NEW.opened_at, 'fixed_by', NEW.fixed_by, 'fixed_at',
        NEW.fixed_at, 'closed_by', NEW.closed_by, 'closed_at', NEW.closed_at, 'reopen_count',
        NEW.reopen_count, 'updated_at', NEW.updated_at),
    json_array('m:' || NEW.microgrid_id, 'b:' || NEW.building_id, 'h:' || NEW.household_id, 'p:'
        || NEW.owner_person, 'd:' || NEW.owner_dept, 'd:' || NEW.escalated_to, 'p:' || (SELECT
        resident_id FROM reports WHERE item_id = NEW.id)),
    json_array('p:' || OLD.owner_person, 'd:' || OLD.owner_dept, 'd:' || OLD.escalated_to));
END;
CREATE TRIGGER sync_reports_ins AFTER INSERT ON reports WHEN (SELECT recording FROM sync_config
    WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('reports', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'resident_id', NEW.resident_id, 'household_id', NEW.household_id,
        'microgrid_id', NEW.microgrid_id, 'building_id', NEW.building_id, 'unit', NEW.unit,
        'room', NEW.room, 'address', NEW.address, 'category', NEW.category, 'description',
        NEW.description, 'phone', NEW.phone, 'photos', NEW.photos, 'item_id', NEW.item_id,
        'submitted_at', NEW.submitted_at, 'rating', NEW.rating, 'eval_comment', NEW.eval_comment,
        'evaluated_at', NEW.evaluated_at),
    json_array('m:' || NEW.microgrid_id, 'p:' || NEW.resident_id));
END;
CREATE TRIGGER sync_reports_upd AFTER UPDATE ON reports WHEN (SELECT recording FROM sync_config
    WHERE id = 1) AND (NEW.id IS NOT OLD.id OR NEW.resident_id IS NOT OLD.resident_id OR
    NEW.household_id IS NOT OLD.household_id OR NEW.microgrid_id IS NOT OLD.microgrid_id OR
    NEW.building_id IS NOT OLD.building_id OR NEW.unit IS NOT OLD.unit OR NEW.room IS NOT OLD.room
    OR NEW.address IS NOT OLD.address OR NEW.category IS NOT OLD.category OR NEW.description IS
    NOT OLD.description OR NEW.phone IS NOT OLD.phone OR NEW.photos IS NOT OLD.photos OR
    NEW.item_id IS NOT OLD.item_id OR NEW.submitted_at IS NOT OLD.submitted_at OR NEW.rating IS
    NOT OLD.rating OR NEW.eval_comment IS NOT OLD.eval_comment OR NEW.evaluated_at IS NOT
    OLD.evaluated_at) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('reports', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'resident_id', NEW.resident_id, 'household_id', NEW.household_id,
        'microgrid_id', NEW.microgrid_id, 'building_id', NEW.building_id, 'unit', NEW.unit,
        'room', NEW.room, 'address', NEW.address, 'category', NEW.category, 'description',
        NEW.description, 'phone', NEW.phone, 'photos', NEW.photos, 'item_id', NEW.item_id,
        'submitted_at', NEW.submitted_at, 'rating', NEW.rating, 'eval_comment', NEW.eval_comment,
        'evaluated_at', NEW.evaluated_at),
    json_array('m:' || NEW.microgrid_id, 'p:' || NEW.resident_id));
END;
CREATE TRIGGER sync_events_ins AFTER INSERT ON events WHEN (SELECT recording FROM sync_config
    WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('events', 'upsert', json_array(NEW.seq),
    json_object('seq', NEW.seq, 'command_id', NEW.command_id, 'entity', NEW.entity, 'entity_id',
        NEW.entity_id, 'type', NEW.type, 'actor', NEW.actor, 'at', NEW.at, 'server_at',
        NEW.server_at, 'reason', NEW.reason, 'data', NEW.data, 'evidence', NEW.evidence),
    COALESCE(CASE NEW.entity
    WHEN 'item' THEN (SELECT json_array('m:' || i.microgrid_id, 'b:' || i.building_id,
      'h:' || i.household_id, 'p:' || i.owner_person, 'd:' || i.owner_dept, 'd:' || i.escalated_to,
      'p:' || (SELECT resident_id FROM reports r WHERE r.item_id = i.id)) FROM items i WHERE i.id
          = NEW.entity_id)
    WHEN 'visit' THEN (SELECT json_array('m:' || microgrid_id) FROM visits WHERE id = NEW.entity_id)
    WHEN 'report' THEN (SELECT json_array('m:' || microgrid_id, 'p:' || resident_id) FROM reports
        WHERE id = NEW.entity_id)
    WHEN 'patrol' THEN (SELECT json_array('m:' || b.microgrid_id, 'b:' || p.building_id)
      FROM patrols p JOIN buildings b ON b.id = p.building_id WHERE p.id = NEW.entity_id)
    WHEN 'household' THEN (SELECT json_array('m:' || microgrid_id, 'h:' || id) FROM households
        WHERE id = NEW.entity_id)
    WHEN 'building' THEN (SELECT json_array('m:' || microgrid_id, 'b:' || id) FROM buildings WHERE
        id = NEW.entity_id)
    WHEN 'region' THEN json_array('rs:' || NEW.entity_id)
    WHEN 'person' THEN json_array('p:' || NEW.entity_id)
    WHEN 'department' THEN '["all"]'
    WHEN 'template' THEN '["all"]'
  END, '[]'));
END;

CREATE TRIGGER sync_roles_ins AFTER INSERT ON roles WHEN (SELECT recording FROM sync_config WHERE
    id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('roles', 'upsert', json_array(NEW.person_id, NEW.role, NEW.scope_id),
    json_object('person_id', NEW.person_id, 'role', NEW.role, 'scope_id', NEW.scope_id),
    (SELECT json_group_array(tag) FROM sync_role_tags
     WHERE person_id = NEW.person_id AND role = NEW.role AND scope_id = NEW.scope_id));
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'people', 'upsert', json_array(p.id), json_object('id', p.id, 'name', p.name, 'phone',
      p.phone),
    (SELECT json_group_array(tag) FROM (SELECT 'p:' || p.id AS tag
      UNION SELECT tag FROM sync_role_tags WHERE person_id = p.id))
  FROM people p WHERE p.id = NEW.person_id;
END;
CREATE TRIGGER sync_roles_del BEFORE DELETE ON roles WHEN (SELECT recording FROM sync_config WHERE
    id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('roles', 'delete', json_array(OLD.person_id, OLD.role, OLD.scope_id), NULL,
    (SELECT json_group_array(tag) FROM sync_role_tags
     WHERE person_id = OLD.person_id AND role = OLD.role AND scope_id = OLD.scope_id));
END;
-- After a revoke the person's row leaves the places of the revoked grant: the
-- old keys are those of the delete just recorded.
CREATE TRIGGER sync_roles_deleted AFTER DELETE ON roles WHEN (SELECT recording FROM sync_config
    WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys, old_keys)
  SELECT 'people', 'upsert', json_array(p.id), json_object('id', p.id, 'name', p.name, 'phone',
      p.phone),
    (SELECT json_group_array(tag) FROM (SELECT 'p:' || p.id AS tag
      UNION SELECT tag FROM sync_role_tags WHERE person_id = p.id)),
    (SELECT keys FROM sync_changes WHERE seq = (SELECT MAX(seq) FROM sync_changes))
  FROM people p WHERE p.id = OLD.person_id;
END;

-- The server's own records. A push's answer per command id, so a re-push of
-- an accepted or rejected command gets the same answer.
CREATE TABLE sync_push_answers(
  command_id TEXT PRIMARY KEY, person_id TEXT NOT NULL, body TEXT NOT NULL,
  answer TEXT NOT NULL, at INTEGER NOT NULL
) WITHOUT ROWID;
-- Passwords (argon2id strings) and bearer tokens (SHA-256 of the token).
CREATE TABLE auth_credentials(
  person_id TEXT PRIMARY KEY, hash TEXT NOT NULL, updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE auth_tokens(
  token_hash TEXT PRIMARY KEY, person_id TEXT NOT NULL, created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX auth_tokens_person ON auth_tokens(person_id);
-- Photos, content-addressed.
CREATE TABLE blobs(
  sha TEXT NOT NULL UNIQUE, size INTEGER NOT NULL, bytes BLOB NOT NULL,
  uploaded_by TEXT NOT NULL, at INTEGER NOT NULL
);
)sql";

// Every existing row as a change, parents first (run once, when recording is
// turned on for a database that already holds content).
extern const char kSyncBackfill[];
const char kSyncBackfill[] = R"sql(
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'regions', 'upsert', json_array(x.id),
    json_object('id', x.id, 'parent_id', x.parent_id, 'level', x.level, 'name', x.name, 'code',
        x.code, 'district_id', x.district_id, 'street_id', x.street_id, 'community_id',
        x.community_id, 'grid_id', x.grid_id),
    json_array('rs:' || x.id)
  FROM regions x ORDER BY CASE x.level WHEN 'district' THEN 0 WHEN 'street' THEN 1 WHEN
      'community' THEN 2 WHEN 'grid' THEN 3 ELSE 4 END, x.id;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'departments', 'upsert', json_array(x.id),
    json_object('id', x.id, 'name', x.name, 'kind', x.kind),
    '["all"]'
  FROM departments x;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'buildings', 'upsert', json_array(x.id),
    json_object('id', x.id, 'microgrid_id', x.microgrid_id, 'name', x.name, 'address', x.address,
        'units', x.units, 'floors', x.floors),
    json_array('m:' || x.microgrid_id, 'b:' || x.id)
  FROM buildings x;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'households', 'upsert', json_array(x.id),
    json_object('id', x.id, 'building_id', x.building_id, 'microgrid_id', x.microgrid_id, 'unit',
        x.unit, 'floor', x.floor, 'room', x.room, 'head_name', x.head_name, 'members', x.members,
        'phone', x.phone, 'tags', x.tags),
    json_array('m:' || x.microgrid_id, 'h:' || x.id)
  FROM households x;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'people', 'upsert', json_array(x.id),
    json_object('id', x.id, 'name', x.name, 'phone', x.phone),
    (SELECT json_group_array(tag) FROM (SELECT 'p:' || x.id AS tag UNION SELECT tag FROM
        sync_role_tags WHERE person_id = x.id))
  FROM people x;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'roles', 'upsert', json_array(x.person_id, x.role, x.scope_id),
    json_object('person_id', x.person_id, 'role', x.role, 'scope_id', x.scope_id),
    (SELECT json_group_array(tag) FROM sync_role_tags v WHERE v.person_id = x.person_id AND v.role
        = x.role AND v.scope_id = x.scope_id)
  FROM roles x;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'templates', 'upsert', json_array(x.id, x.version),
    json_object('id', x.id, 'version', x.version, 'body', x.body, 'published_at', x.published_at),
    '["all"]'
  FROM templates x;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'visits', 'upsert', json_array(x.id),
    json_object('id', x.id, 'household_id', x.household_id, 'microgrid_id', x.microgrid_id,
        'cycle', x.cycle, 'outcome', x.outcome, 'counts', x.counts, 'worker_id', x.worker_id,
        'at', x.at, 'template_id', x.template_id, 'template_version', x.template_version,
        'answers', x.answers, 'notes', x.notes, 'photos', x.photos, 'lat', x.lat, 'lng', x.lng),
    json_array('m:' || x.microgrid_id)
  FROM visits x;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'coverage', 'upsert', json_array(x.microgrid_id, x.cycle, x.household_id),
    json_object('microgrid_id', x.microgrid_id, 'cycle', x.cycle, 'household_id', x.household_id),
    json_array('m:' || x.microgrid_id)
  FROM coverage x;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'patrols', 'upsert', json_array(x.id),
    json_object('id', x.id, 'building_id', x.building_id, 'captain_id', x.captain_id, 'at', x.at,
        'notes', x.notes, 'photos', x.photos),
    json_array('m:' || (SELECT microgrid_id FROM buildings WHERE id = x.building_id), 'b:' ||
        x.building_id)
  FROM patrols x;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'reports', 'upsert', json_array(x.id),
    json_object('id', x.id, 'resident_id', x.resident_id, 'household_id', x.household_id,
        'microgrid_id', x.microgrid_id, 'building_id', x.building_id, 'unit', x.unit, 'room',
        x.room, 'address', x.address, 'category', x.category, 'description', x.description,
        'phone', x.phone, 'photos', x.photos, 'item_id', x.item_id, 'submitted_at',
        x.submitted_at, 'rating', x.rating, 'eval_comment', x.eval_comment, 'evaluated_at',
        x.evaluated_at, 'contact_ok', x.contact_ok, 'evaluated_episode', x.evaluated_episode),
    json_array('m:' || x.microgrid_id, 'p:' || x.resident_id)
  FROM reports x;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'items', 'upsert', json_array(x.id),
    json_object('id', x.id, 'microgrid_id', x.microgrid_id, 'building_id', x.building_id,
        'household_id', x.household_id, 'category', x.category, 'title', x.title, 'description',
        x.description, 'state', x.state, 'source', x.source, 'source_id', x.source_id,
        'owner_person', x.owner_person, 'owner_dept', x.owner_dept, 'deadline', x.deadline,
        'escalated_to', x.escalated_to, 'escalation_deadline', x.escalation_deadline,
        'acknowledged_at', x.acknowledged_at, 'opened_by', x.opened_by, 'opened_at', x.opened_at,
        'fixed_by', x.fixed_by, 'fixed_at', x.fixed_at, 'closed_by', x.closed_by, 'closed_at',
        x.closed_at, 'reopen_count', x.reopen_count, 'updated_at', x.updated_at),
    json_array('m:' || x.microgrid_id, 'b:' || x.building_id, 'h:' || x.household_id, 'p:' ||
        x.owner_person, 'd:' || x.owner_dept, 'd:' || x.escalated_to, 'p:' || (SELECT resident_id
        FROM reports WHERE item_id = x.id))
  FROM items x;
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  SELECT 'events', 'upsert', json_array(x.seq),
    json_object('seq', x.seq, 'command_id', x.command_id, 'entity', x.entity, 'entity_id',
        x.entity_id, 'type', x.type, 'actor', x.actor, 'at', x.at, 'server_at', x.server_at,
        'reason', x.reason, 'data', x.data, 'evidence', x.evidence),
    COALESCE(CASE x.entity
    WHEN 'item' THEN (SELECT json_array('m:' || i.microgrid_id, 'b:' || i.building_id,
      'h:' || i.household_id, 'p:' || i.owner_person, 'd:' || i.owner_dept, 'd:' || i.escalated_to,
      'p:' || (SELECT resident_id FROM reports r WHERE r.item_id = i.id)) FROM items i WHERE i.id
          = x.entity_id)
    WHEN 'visit' THEN (SELECT json_array('m:' || microgrid_id) FROM visits WHERE id = x.entity_id)
    WHEN 'report' THEN (SELECT json_array('m:' || microgrid_id, 'p:' || resident_id) FROM reports
        WHERE id = x.entity_id)
    WHEN 'patrol' THEN (SELECT json_array('m:' || b.microgrid_id, 'b:' || p.building_id)
      FROM patrols p JOIN buildings b ON b.id = p.building_id WHERE p.id = x.entity_id)
    WHEN 'household' THEN (SELECT json_array('m:' || microgrid_id, 'h:' || id) FROM households
        WHERE id = x.entity_id)
    WHEN 'building' THEN (SELECT json_array('m:' || microgrid_id, 'b:' || id) FROM buildings WHERE
        id = x.entity_id)
    WHEN 'region' THEN json_array('rs:' || x.entity_id)
    WHEN 'person' THEN json_array('p:' || x.entity_id)
    WHEN 'department' THEN '["all"]'
    WHEN 'template' THEN '["all"]'
  END, '[]')
  FROM events x ORDER BY x.seq;
)sql";

}  // namespace weige::store
