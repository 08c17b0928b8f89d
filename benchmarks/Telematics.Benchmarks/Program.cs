using BenchmarkDotNet.Running;

// Ingest readers: an interleaved CPU-time race for loaded machines (see Ingest/IngestReaderRace.cs).
if (args is ["ingest-race", .. var raceArgs])
{
    Telematics.Benchmarks.Ingest.IngestReaderRace.Run(raceArgs);
    return 0;
}

// The regression gate: benchmarks/gates.json measured in process (scripts/bench-gate.sh).
if (args is ["gate", .. var gateArgs])
{
    return Telematics.Benchmarks.Gate.GateRunner.Run(gateArgs);
}

BenchmarkSwitcher.FromAssembly(typeof(Telematics.Benchmarks.BenchmarkConfig).Assembly).Run(args, new Telematics.Benchmarks.BenchmarkConfig());
return 0;
