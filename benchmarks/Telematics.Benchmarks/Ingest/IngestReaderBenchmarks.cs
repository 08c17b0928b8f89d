using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using nietras.SeparatedValues;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Samples;

namespace Telematics.Benchmarks.Ingest;

/// <summary>
/// Readers on one million in-memory rows of 12 numeric columns, into a reused 4096-sample <see cref="SampleBuffer"/>.
/// Times are per row (<c>OperationsPerInvoke</c>); rows/s is 1 / Mean. Baseline: the Sep CSV library parsing the same
/// CSV bytes into the same typed columns.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class IngestReaderBenchmarks
{
    private const int Rows = 1_000_000;

    private IngestData _data = null!;
    private SampleBuffer _buffer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _data = IngestData.Generate(Rows);
        _buffer = new SampleBuffer(4096);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public long Csv_Sep()
    {
        using var reader = Sep.Reader(o => o with { HasHeader = true }).From(_data.Csv);
        var buffer = _buffer;
        buffer.Clear();
        long rows = 0;
        foreach (var row in reader)
        {
            if (buffer.Count == buffer.Capacity)
            {
                rows += buffer.Count;
                buffer.Clear();
            }

            buffer.Add(new TelematicsSample(row[0].Parse<long>(), row[1].Parse<double>(), row[2].Parse<double>())
            {
                SpeedMps = row[3].Parse<float>(),
                HeadingDeg = row[4].Parse<float>(),
                LongitudinalAccelMps2 = row[5].Parse<float>(),
                LateralAccelMps2 = row[6].Parse<float>(),
                GpsAccuracyM = row[7].Parse<float>(),
                SpeedLimitMps = row[8].Parse<float>(),
                RoadClass = (RoadClass)row[9].Parse<byte>(),
                Flags = row[10].Parse<byte>() == 1 ? SampleFlags.PhoneHandheld : SampleFlags.None,
                EventId = row[11].Parse<long>(),
            });
        }

        rows += buffer.Count;
        return rows != Rows ? throw new InvalidOperationException($"read {rows} rows") : rows;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public long Csv_Telematics()
    {
        var reader = CsvSampleReader.Create(PipeReader.Create(new ReadOnlySequence<byte>(_data.Csv)));
        return Drain(reader);
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public long Ndjson_Telematics()
    {
        var reader = NdjsonSampleReader.Create(PipeReader.Create(new ReadOnlySequence<byte>(_data.Ndjson)));
        return Drain(reader);
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public long Binary_Telematics()
    {
        var reader = BinarySampleReader.Create(PipeReader.Create(new ReadOnlySequence<byte>(_data.Binary)));
        return Drain(reader);
    }

    private long Drain(Telematics.Features.Ingest.SampleReader reader)
    {
        long rows = 0;
        while (true)
        {
            // Memory-backed pipes complete every read synchronously.
            var pending = reader.ReadAsync(_buffer);
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
}
