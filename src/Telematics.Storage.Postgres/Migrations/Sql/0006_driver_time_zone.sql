-- The driver's own time zone, for the local time-of-day features (night share, rush hour, weekend) of their trips.
--
-- An IANA id such as 'Europe/Berlin' or 'America/Argentina/Buenos_Aires'. NULL means "the host's default zone":
-- ingest then takes the request's timeZone or the host's configured default (Ingest:DefaultTimeZone, UTC unless
-- set; the CLI's --tz, UTC unless given). The CHECK only keeps the value shaped like an IANA id (letters, digits,
-- '_', '+', '-', segments joined by '/', at most 64 characters); whether the zone exists is checked in .NET with
-- TimeZoneInfo.TryFindSystemTimeZoneById before a value is written (DriverRepository).
ALTER TABLE drivers ADD COLUMN time_zone text
    CHECK (time_zone IS NULL OR (length(time_zone) <= 64 AND time_zone ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$'));
