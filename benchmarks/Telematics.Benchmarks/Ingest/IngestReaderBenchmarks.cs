using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using nietras.SeparatedValues;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Samples;

namespace Telematics.Benchmarks.Ingest;

/// <summary>
/// Readers on in-memory rows of 12 numeric columns, into a reused 4096-sample <see cref="SampleBuffer"/>. Each
/// invocation reads one of <see cref="Sets"/> distinct row sets of <see cref="Rows"/> rows (see
/// <see cref="IngestData"/>: different seeds, decimals and empty fields), rotating, so that no reader is measured on
/// a single memorised input. Times are per row (<c>OperationsPerInvoke</c>); rows/s is 1 / Mean. Baseline: the Sep CSV
/// library parsing the same CSV bytes into the same typed columns; the setup checks that both give identical columns.
/// </summary>
[Config(typeof(BenchmarkConfig))]
[AllocatedPerMillionRows]
public class IngestReaderBenchmarks
{
    private const int Rows = 250_000;
    private const int Sets = 4;

    private IngestData[] _data = null!;
    private SampleBuffer _buffer = null!;
    private int _csvNext;
    private int _sepNext;
    private int _ndjsonNext;
    private int _binaryNext;

    [GlobalSetup]
    public void Setup()
    {
        _data = [.. Enumerable.Range(0, Sets).Select(variant => IngestData.Generate(Rows, variant))];
        foreach (var data in _data)
        {
            SameColumnsOrThrow(data);
        }

        _buffer = new SampleBuffer(4096);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public long Csv_Sep() => SepRead(_data[_sepNext++ % Sets].Csv, _buffer, flushFull: true);

    [Benchmark(OperationsPerInvoke = Rows)]
    public long Csv_Telematics()
    {
        var reader = CsvSampleReader.Create(PipeReader.Create(new ReadOnlySequence<byte>(_data[_csvNext++ % Sets].Csv)));
        return Drain(reader, _buffer);
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public long Ndjson_Telematics()
    {
        var reader = NdjsonSampleReader.Create(PipeReader.Create(new ReadOnlySequence<byte>(_data[_ndjsonNext++ % Sets].Ndjson)));
        return Drain(reader, _buffer);
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public long Binary_Telematics()
    {
        var reader = BinarySampleReader.Create(PipeReader.Create(new ReadOnlySequence<byte>(_data[_binaryNext++ % Sets].Binary)));
        return Drain(reader, _buffer);
    }

    /// <summary>Sep's reader into the same columns: empty optional fields become NaN, as the Telematics reader makes them.</summary>
    private static long SepRead(byte[] csv, SampleBuffer buffer, bool flushFull)
    {
        using var reader = Sep.Reader(o => o with { HasHeader = true }).From(csv);
        buffer.Clear();
        long rows = 0;
        foreach (var row in reader)
        {
            if (flushFull && buffer.Count == buffer.Capacity)
            {
                rows += buffer.Count;
                buffer.Clear();
            }

            buffer.Add(new TelematicsSample(row[0].Parse<long>(), row[1].Parse<double>(), row[2].Parse<double>())
            {
                SpeedMps = Single(row[3]),
                HeadingDeg = Single(row[4]),
                LongitudinalAccelMps2 = Single(row[5]),
                LateralAccelMps2 = Single(row[6]),
                GpsAccuracyM = Single(row[7]),
                SpeedLimitMps = Single(row[8]),
                RoadClass = (RoadClass)row[9].Parse<byte>(),
                Flags = row[10].Parse<byte>() == 1 ? SampleFlags.PhoneHandheld : SampleFlags.None,
                EventId = row[11].Parse<long>(),
            });
        }

        rows += buffer.Count;
        return rows != Rows ? throw new InvalidOperationException($"read {rows} rows") : rows;
    }

    private static float Single(SepReader.Col column) => column.Span.IsEmpty ? float.NaN : column.Parse<float>();

    private static long Drain(Telematics.Features.Ingest.SampleReader reader, SampleBuffer buffer)
    {
        long rows = 0;
        while (true)
        {
            // Memory-backed pipes complete every read synchronously.
            var pending = reader.ReadAsync(buffer);
            var chunk = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            rows += chunk.Count;
            if (chunk.IsCompleted)
            {
                var disposed = reader.DisposeAsync();
                if (!disposed.IsCompletedSuccessfully)
                {
                    disposed.AsTask().GetAwaiter().GetResult();
                }

                return rows != Rows ? throw new InvalidOperationException($"read {rows} rows") : rows;
            }
        }
    }

    /// <summary>Like for like: Sep and every Telematics reader must give the same columns, bit for bit, for each row set.</summary>
    private static void SameColumnsOrThrow(IngestData data)
    {
        var sep = new SampleBuffer(Rows);
        SepRead(data.Csv, sep, flushFull: false);
        var readers = new (string Name, Telematics.Features.Ingest.SampleReader Reader)[]
        {
            ("csv", CsvSampleReader.Create(PipeReader.Create(new ReadOnlySequence<byte>(data.Csv)))),
            ("ndjson", NdjsonSampleReader.Create(PipeReader.Create(new ReadOnlySequence<byte>(data.Ndjson)))),
            ("binary", BinarySampleReader.Create(PipeReader.Create(new ReadOnlySequence<byte>(data.Binary)))),
        };
        foreach (var (name, reader) in readers)
        {
            var ours = new SampleBuffer(Rows);
            reader.ReadToEndAsync(ours).AsTask().GetAwaiter().GetResult();
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            var same = ours.Count == sep.Count
                && Bits(ours.TimestampUnixMs).SequenceEqual(Bits(sep.TimestampUnixMs))
                && Bits(ours.LatitudeDeg).SequenceEqual(Bits(sep.LatitudeDeg))
                && Bits(ours.LongitudeDeg).SequenceEqual(Bits(sep.LongitudeDeg))
                && Bits(ours.SpeedMps).SequenceEqual(Bits(sep.SpeedMps))
                && Bits(ours.HeadingDeg).SequenceEqual(Bits(sep.HeadingDeg))
                && Bits(ours.LongitudinalAccelMps2).SequenceEqual(Bits(sep.LongitudinalAccelMps2))
                && Bits(ours.LateralAccelMps2).SequenceEqual(Bits(sep.LateralAccelMps2))
                && Bits(ours.GpsAccuracyM).SequenceEqual(Bits(sep.GpsAccuracyM))
                && Bits(ours.SpeedLimitMps).SequenceEqual(Bits(sep.SpeedLimitMps))
                && Bits(ours.RoadClass).SequenceEqual(Bits(sep.RoadClass))
                && Bits(ours.Flags).SequenceEqual(Bits(sep.Flags))
                && Bits(ours.EventId).SequenceEqual(Bits(sep.EventId));
            if (!same)
            {
                throw new InvalidOperationException($"the {name} reader and Sep disagree on a row set");
            }
        }
    }

    private static ReadOnlySpan<byte> Bits<T>(Span<T> column)
        where T : unmanaged => MemoryMarshal.AsBytes(column);
}
