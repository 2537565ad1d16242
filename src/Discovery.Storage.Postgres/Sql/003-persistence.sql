-- Grain state (Microsoft.Orleans.Persistence.AdoNet 10.4.2). The 10.x provider sends only @PayloadBinary (its own
-- serializer's bytes); the JSON and XML columns stay for readers of older rows. A parameter the provider does not send
-- would reach PostgreSQL as the text "@Name" and fail as an unknown column. A row per grain and state type; Version is the ETag
-- Orleans round-trips, so a write from a stale activation (a split brain, a duplicate activation) changes nothing
-- and Orleans raises InconsistentStateException instead of losing an update.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer       NOT NULL,
    GrainIdN0              bigint        NOT NULL,
    GrainIdN1              bigint        NOT NULL,
    GrainTypeHash          integer       NOT NULL,
    GrainTypeString        varchar(512)  NOT NULL,
    GrainIdExtensionString varchar(512)  NULL,
    ServiceId              varchar(150)  NOT NULL,
    PayloadBinary          bytea         NULL,
    PayloadXml             xml           NULL,
    PayloadJson            text          NULL,
    ModifiedOn             timestamptz   NOT NULL,
    Version                integer       NULL
);

CREATE INDEX IF NOT EXISTS IX_OrleansStorage ON OrleansStorage (GrainIdHash, GrainTypeHash);

-- Returns the new version: the old one + 1 (or 1 for a first write) on success, the old one when nothing was written.
CREATE OR REPLACE FUNCTION discovery_write_grain_state(
    p_id_hash integer, p_n0 bigint, p_n1 bigint, p_type_hash integer, p_type varchar, p_ext varchar,
    p_service varchar, p_version integer, p_binary bytea, p_json text, p_xml xml)
    RETURNS TABLE(NewGrainStateVersion integer) LANGUAGE plpgsql AS
$$
DECLARE n integer;
BEGIN
    IF p_version IS NOT NULL THEN
        UPDATE OrleansStorage
           SET PayloadBinary = p_binary, PayloadJson = p_json, PayloadXml = p_xml,
               ModifiedOn = now(), Version = Version + 1
         WHERE GrainIdHash = p_id_hash AND GrainTypeHash = p_type_hash AND GrainIdN0 = p_n0 AND GrainIdN1 = p_n1
           AND GrainTypeString = p_type AND GrainIdExtensionString IS NOT DISTINCT FROM p_ext
           AND ServiceId = p_service AND Version = p_version;
        GET DIAGNOSTICS n = ROW_COUNT;
        RETURN QUERY SELECT CASE WHEN n > 0 THEN p_version + 1 ELSE p_version END;
        RETURN;
    END IF;
    -- First write: only one of several racing activations may create the row.
    PERFORM pg_advisory_xact_lock(p_id_hash, p_type_hash);
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId,
         PayloadBinary, PayloadJson, PayloadXml, ModifiedOn, Version)
    SELECT p_id_hash, p_n0, p_n1, p_type_hash, p_type, p_ext, p_service, p_binary, p_json, p_xml, now(), 1
     WHERE NOT EXISTS (
        SELECT 1 FROM OrleansStorage
         WHERE GrainIdHash = p_id_hash AND GrainTypeHash = p_type_hash AND GrainIdN0 = p_n0 AND GrainIdN1 = p_n1
           AND GrainTypeString = p_type AND GrainIdExtensionString IS NOT DISTINCT FROM p_ext AND ServiceId = p_service);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN QUERY SELECT CASE WHEN n > 0 THEN 1 ELSE NULL::integer END;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', '
    SELECT NewGrainStateVersion FROM discovery_write_grain_state(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
        @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary, NULL, NULL);'),
('ReadFromStorageKey', '
    SELECT PayloadBinary, PayloadXml, PayloadJson, now(), Version
      FROM OrleansStorage
     WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString AND ServiceId = @ServiceId;'),
('ClearStorageKey', '
    UPDATE OrleansStorage
       SET PayloadBinary = NULL, PayloadJson = NULL, PayloadXml = NULL, Version = Version + 1
     WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString AND ServiceId = @ServiceId
       AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;'),
('DeleteStorageKey', '
    DELETE FROM OrleansStorage
     WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString AND ServiceId = @ServiceId
       AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
