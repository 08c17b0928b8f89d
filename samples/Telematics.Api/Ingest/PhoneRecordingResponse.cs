using Telematics.Features.Imu;
using Telematics.Storage.Postgres.Phone;

namespace Telematics.Api.Ingest;

/// <summary>The answer of <c>POST /api/v1/telematics/drivers/{driverId}/phone-recordings</c>.</summary>
/// <param name="DriverId">The driver the recording was stored for.</param>
/// <param name="AlreadyStored">The same recording was stored before: nothing changed.</param>
/// <param name="StoredRows">Covered spans, manoeuvres and handling spans newly stored.</param>
/// <param name="Manoeuvres">Harsh braking, acceleration, turns and aggressive lane changes the recording holds.</param>
/// <param name="HandlingSpans">Spans in which the phone was handled.</param>
/// <param name="CoveredMinutes">Minutes the motion sensors could score (phone at rest in the vehicle, forward direction known).</param>
/// <param name="StartedAt">Start of the recording's evidence (UTC); null when it holds none.</param>
/// <param name="EndedAt">End of the recording's evidence (UTC); null when it holds none.</param>
/// <param name="ReplacedTripIds">Stored trips the recording overlaps, re-measured with it: their rows are replaced.</param>
/// <param name="TripIds">The re-measured trips' new ids, in the order of <paramref name="ReplacedTripIds"/>.</param>
/// <param name="Unmeasured">Overlapped trips whose events are no longer stored (archived), kept as they were.</param>
internal sealed record PhoneRecordingResponse(
    long DriverId,
    bool AlreadyStored,
    long StoredRows,
    int Manoeuvres,
    int HandlingSpans,
    double CoveredMinutes,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<long> ReplacedTripIds,
    IReadOnlyList<long> TripIds,
    int Unmeasured)
{
    public static PhoneRecordingResponse From(long driverId, ImuTripEvidence evidence, PhoneRecordingResult stored)
    {
        long coveredMs = 0;
        for (var i = 0; i < evidence.CoverageCount; i++)
        {
            coveredMs += evidence.CoverageEndUnixMs[i] - evidence.CoverageStartUnixMs[i];
        }

        var any = evidence.CoverageCount + evidence.ManoeuvreCount + evidence.HandlingCount > 0 && !stored.AlreadyStored;
        return new PhoneRecordingResponse(
            driverId,
            stored.AlreadyStored,
            stored.EvidenceRows,
            evidence.ManoeuvreCount,
            evidence.HandlingCount,
            Math.Round(coveredMs / 60_000.0, 3),
            any ? DateTimeOffset.FromUnixTimeMilliseconds(stored.FromUnixMs) : null,
            any ? DateTimeOffset.FromUnixTimeMilliseconds(stored.ToUnixMs) : null,
            stored.ReplacedTripIds,
            stored.TripIds,
            stored.Unmeasured);
    }
}
