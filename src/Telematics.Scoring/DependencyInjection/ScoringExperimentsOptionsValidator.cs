using Microsoft.Extensions.Options;
using Telematics.Scoring.Service;

namespace Telematics.Scoring.DependencyInjection;

/// <summary>
/// Validates the registered experiments at start-up: every file loaded, names unique, and every variant's model
/// reference served by the registry (by building the <see cref="ExperimentScorer"/> the host will use).
/// </summary>
internal sealed class ScoringExperimentsOptionsValidator(IServiceProvider provider) : IValidateOptions<ScoringExperimentsOptions>
{
    public ValidateOptionsResult Validate(string? name, ScoringExperimentsOptions options)
    {
        if (options.LoadErrors.Count > 0)
        {
            return ValidateOptionsResult.Fail(options.LoadErrors);
        }

        try
        {
            _ = new ExperimentScorer((RiskScorer)provider.GetService(typeof(RiskScorer))!, options.Experiments);
            return ValidateOptionsResult.Success;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
