using Spectre.Console;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;

namespace Telematics.Cli.Events;

/// <summary>What reading one driver's events file through <see cref="DriverFeaturePipeline"/> produced.</summary>
internal sealed record EventPipelineResult(
    EventFile File,
    IReadOnlyList<TripFeatures> Trips,
    DriverFeatureResult Driver,
    IngestReport Reading)
{
    /// <summary>The phone recording's evidence the trips were measured with (<c>--imu</c>), or null.</summary>
    public PhoneEvidence? Phone { get; init; }

    public long RecordsRead => Reading.AcceptedCount + Reading.RejectedCount;

    public double DistanceKm => Driver.Aggregate.DistanceKm;

    /// <summary>One line: records read, rejected and dropped by reason, trips and km.</summary>
    public string Summary()
    {
        var c = Driver.Cleaning;
        return FormattableString.Invariant(
            $"{File.DriverId}: read {RecordsRead} records, rejected {Reading.RejectedCount}, dropped {c.DroppedCount} (invalid position {c.InvalidPositionCount}, duplicate {c.DuplicateCount}, out of order {c.OutOfOrderDroppedCount}, low accuracy {c.LowAccuracyCount}, position jump {c.PositionJumpCount}); {Trips.Count} trips ({Driver.DiscardedTripCount} too short), {DistanceKm:F1} km") +
            (Phone is null ? string.Empty : "; " + Phone.Summary());
    }
}

/// <summary>Streams one events file through the Ingest reader and <see cref="DriverFeaturePipeline"/> chunk by chunk.</summary>
internal static class EventPipelineRun
{
    /// <summary>Files at least this large get a progress bar on stderr when it is a terminal.</summary>
    private const long ProgressThresholdBytes = 8L << 20;

    /// <summary>Reads the file; bad records throw <see cref="TelematicsFormatException"/> in reject mode.</summary>
    /// <param name="onChunk">Called with every raw chunk before the pipeline rewrites it (for example to store it), or null.</param>
    public static async Task<EventPipelineResult> RunAsync(
        EventFile file,
        BadRecordHandling badRecords,
        Func<SampleBuffer, CancellationToken, ValueTask>? onChunk,
        PhoneEvidence? phone,
        CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        // A record behind an earlier chunk would be dropped by cleaning with only a count: where only the features are
        // kept (features, score) it is rejected, named in --report-bad (or failing the run) as not in time order. Where
        // the raw chunk is stored (ingest, onChunk) the record is kept as an event, as the host's ingest keeps it, and
        // the summary counts it out of the trips ("out of order").
        var options = new SampleReaderOptions { BadRecords = badRecords, MaxReportedErrors = 10_000, RejectRecordsBeforeEarlierChunks = onChunk is null };
        var mapping = file.MappingPath is null ? null : LoadMapping(file.MappingPath);
        await using SampleReader reader = file.Format switch
        {
            EventFormat.Csv => CsvSampleReader.FromStream(stream, mapping, options, leaveOpen: true),
            EventFormat.Ndjson => NdjsonSampleReader.FromStream(stream, options, leaveOpen: true),
            _ => BinarySampleReader.FromStream(stream, options, leaveOpen: true),
        };

        var pipeline = new DriverFeaturePipeline(file.Zone) { Imu = phone?.Evidence };
        var trips = new List<TripFeatures>();
        var chunk = new SampleBuffer(8192);

        async Task Loop(Action<double>? progress)
        {
            while (true)
            {
                var read = await reader.ReadAsync(chunk, cancellationToken);
                if (chunk.Count > 0)
                {
                    if (onChunk is not null)
                    {
                        await onChunk(chunk, cancellationToken);
                    }

                    trips.AddRange(pipeline.Push(chunk));
                }

                progress?.Invoke(stream.Length == 0 ? 1 : (double)stream.Position / stream.Length);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            trips.AddRange(pipeline.Complete());
        }

        if (stream.Length >= ProgressThresholdBytes && !Console.IsErrorRedirected)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await console.Progress().StartAsync(async context =>
            {
                var task = context.AddTask(Path.GetFileName(file.Path), maxValue: 1.0);
                await Loop(fraction => task.Value = fraction);
            });
        }
        else
        {
            await Loop(null);
        }

        var result = new DriverFeatureResult(trips, pipeline.Aggregate, pipeline.Cleaning, pipeline.DiscardedTripCount);
        return new EventPipelineResult(file, trips, result, reader.Report) { Phone = phone };
    }

    private static CsvColumnMapping LoadMapping(string path)
    {
        try
        {
            return CsvColumnMapping.Load(path);
        }
        catch (TelematicsFormatException e)
        {
            throw new TelematicsFormatException($"{path}: {e.Message}", e);
        }
    }
}
