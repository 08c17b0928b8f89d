using System.Text;

using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Pricing;

namespace Telematics.Fuzz;

/// <summary>The JSON definitions users hand the SDK: CSV mappings, pricing plans, experiments and model manifests.</summary>
internal static class DefinitionTargets
{
    // A file the mapping target reads through each mapping that loads: headers of both the default and the NDS-BR style.
    private const string MappedFile =
        "DAY;TIME;LAT;LONG;SPD_KMH;timestamp;lat;lon;speed_mps\n" +
        "4/5/2026;08:00:00;-25,43;-49,27;36,5;1777881600000;-25.43;-49.27;10\n" +
        "4/5/2026;08:00:01;-25,4301;-49,2701;NPI;1777881601000;-25.4301;-49.2701;\n";

    public static IEnumerable<FuzzTarget> All()
    {
        yield return new("mapping", "CsvColumnMapping.FromJson, then a small file read through the mapping", Mapping);
        yield return new("pricing", "PricingPlanJson.Parse", input => Catch<PricingPlanException>(() => PricingPlanJson.Parse(Text(input))));
        yield return new("experiment", "ExperimentJson.Parse", input => Catch<ExperimentDefinitionException>(() => ExperimentJson.Parse(Text(input))));
        yield return new("manifest", "ModelPackageLoader.Load of a package whose manifest.json is the input (beside a small ONNX model)", ManifestPackage.Load);
    }

    private static string? Mapping(byte[] input)
    {
        CsvColumnMapping mapping;
        try
        {
            mapping = CsvColumnMapping.FromJson(Text(input));
        }
        catch (TelematicsFormatException bad)
        {
            return bad.Message;
        }

        // The file may not fit the mapping (a refusal too); only an undocumented exception is a finding.
        ReaderTargets.ReadWithMapping(mapping, MappedFile);
        return null;
    }

    private static string? Catch<TDocumented>(Action parse)
        where TDocumented : Exception
    {
        try
        {
            parse();
            return null;
        }
        catch (TDocumented bad)
        {
            // The documented refusal of a bad definition.
            return bad.Message;
        }
    }

    /// <summary>The input as text the way a file is read: UTF-8, invalid bytes replaced.</summary>
    internal static string Text(byte[] input) => Encoding.UTF8.GetString(input);
}
