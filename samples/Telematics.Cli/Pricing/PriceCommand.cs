using System.CommandLine;
using System.Globalization;
using Telematics.Scoring.Pricing;

namespace Telematics.Cli.Pricing;

/// <summary><c>telematics price</c>: prices one premium with a pricing plan and prints its breakdown.</summary>
internal static class PriceCommand
{
    public static Command Create()
    {
        var plan = new Option<FileInfo>("--plan") { Description = "Pricing plan JSON file (see docs/pricing/README.md).", Required = true };
        var score = new Option<double>("--score") { Description = "Risk score, 0–100 (higher is riskier).", Required = true };
        var km = new Option<double>("--km") { Description = "Annualised distance, km.", Required = true };
        var region = new Option<string?>("--region") { Description = "Region code for the base rate; the plan's default when left out." };
        var features = new Option<string[]>("--feature")
        {
            Description = "A feature value for discount rules, as name=value (repeatable), e.g. --feature night_share=0.03.",
            AllowMultipleArgumentsPerToken = false,
        };

        var command = new Command("price", "Price an annual premium with a pricing plan and print its breakdown.")
        {
            plan, score, km, region, features,
        };

        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(features) ?? [])
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || !double.TryParse(pair.AsSpan(equals + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    error.WriteLine($"--feature '{pair}': expected name=value with a number, e.g. night_share=0.03.");
                    return ExitCodes.Usage;
                }

                values[pair[..equals]] = value;
            }

            PricingPlan pricingPlan;
            try
            {
                pricingPlan = PricingPlanJson.Load(parse.GetValue(plan)!.FullName);
            }
            catch (Exception e) when (e is PricingPlanException or IOException or UnauthorizedAccessException)
            {
                // Name the option and the file, as every other command does: the framework's text alone names neither.
                error.WriteLine($"--plan {parse.GetValue(plan)!.FullName}: {e.Message}");
                return ExitCodes.InputError;
            }

            PremiumQuote quote;
            try
            {
                quote = PremiumCalculator.Calculate(pricingPlan, parse.GetValue(score), parse.GetValue(km), parse.GetValue(region), values);
            }
            catch (ArgumentOutOfRangeException e)
            {
                error.WriteLine($"--{e.ParamName switch { "annualKm" => "km", var other => other }}: {e.Message.Split(" (Parameter", 2)[0]}");
                return ExitCodes.Usage;
            }

            output.WriteLine($"{quote.PlanName}: {quote.Premium.ToString(CultureInfo.InvariantCulture)} {quote.Currency} a year ({quote.Rounding})");
            foreach (var step in quote.Steps)
            {
                var value = step.Kind == PremiumStepKind.Multiply
                    ? "×" + step.Value.ToString(CultureInfo.InvariantCulture)
                    : (step.Kind == PremiumStepKind.Add && step.Value >= 0 ? "+" : string.Empty) + step.Value.ToString("0.00####", CultureInfo.InvariantCulture);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {step.Name,-28} {value,14} {step.RunningTotal,14:0.00####}  {step.Detail}"));
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
