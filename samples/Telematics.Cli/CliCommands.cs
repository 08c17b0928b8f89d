using System.CommandLine;

namespace Telematics.Cli;

/// <summary>The tool's subcommands; each lives in a folder of its own and is listed here.</summary>
internal static class CliCommands
{
    public static IEnumerable<Command> All()
    {
        yield return ExitCodes.CreateCommand();
        yield return Pricing.PriceCommand.Create();
        yield return Pricing.PricingCommand.Create();
        yield return Models.ModelsCommand.Create();
        yield return Score.ScoreCommand.Create();
        yield return Partitions.PartitionsCommand.Create();
        yield return Audit.AuditCommand.Create();
        yield return Migrate.MigrateCommand.Create();
        yield return Trips.TripsCommand.Create();
        yield return Drivers.DriversCommand.Create();
        yield return Features.FeaturesCommand.Create();
        yield return Events.EventsCommand.Create();
        yield return Ingest.IngestCommand.Create();
        yield return Synth.SynthCommand.Create();
        yield return Evaluate.EvaluateCommand.Create();
        yield return Train.TrainCommand.Create();
        yield return Seed.SeedCommand.Create();
        yield return BatchScore.BatchScoreCommand.Create();
    }
}
