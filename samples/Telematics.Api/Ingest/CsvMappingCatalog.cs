using Microsoft.Extensions.Options;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;

namespace Telematics.Api.Ingest;

/// <summary>The CSV column mappings of <see cref="IngestOptions.CsvMappings"/>, loaded and checked once at start-up.</summary>
internal sealed class CsvMappingCatalog
{
    private readonly Dictionary<string, CsvColumnMapping> _mappings = new(StringComparer.Ordinal);

    /// <summary>Loads every configured mapping file.</summary>
    /// <exception cref="InvalidOperationException">A file is missing or not a valid mapping; the host does not start.</exception>
    public CsvMappingCatalog(IOptions<IngestOptions> options)
    {
        foreach (var (name, path) in options.Value.CsvMappings)
        {
            try
            {
                _mappings.Add(name, CsvColumnMapping.Load(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or TelematicsFormatException or ArgumentException)
            {
                throw new InvalidOperationException($"Ingest:CsvMappings:{name}: '{path}' is not a readable CSV mapping: {e.Message}", e);
            }
        }
    }

    /// <summary>The mapping of that name, if configured.</summary>
    public bool TryGet(string name, out CsvColumnMapping mapping) => _mappings.TryGetValue(name, out mapping!);

    /// <summary>The configured names, for error messages.</summary>
    public IEnumerable<string> Names => _mappings.Keys;
}
