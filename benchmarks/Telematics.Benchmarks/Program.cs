using BenchmarkDotNet.Running;

// Ingest readers: an interleaved CPU-time race for loaded machines (see Ingest/IngestReaderRace.cs).
if (args is ["ingest-race", .. var raceArgs])
{
    Telematics.Benchmarks.Ingest.IngestReaderRace.Run(raceArgs);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Telematics.Benchmarks.BenchmarkConfig).Assembly).Run(args, new Telematics.Benchmarks.BenchmarkConfig());
