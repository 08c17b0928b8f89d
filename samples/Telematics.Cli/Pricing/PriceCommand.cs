using System.CommandLine;
using System.Globalization;

using Telematics.Features.Schema;
using Telematics.Scoring.Pricing;

namespace Telematics.Cli.Pricing;

/// <summary>
/// <c>telematics price</c>: prices one premium with a pricing plan and prints its breakdown: a score plan from the score, a
/// relativity plan (<c>telematics_relativity</c>) from the model's frequency and the days it rests on.
/// </summary>
internal static class PriceCommand
{
    public static Command Create()
    {
        var plan = new Option<FileInfo>("--plan") { Description = "Pricing plan JSON file (see docs/pricing/README.md).", Required = true };
        var score = new Option<double>("--score") { Description = "Risk score, 0–100 (higher is riskier).", Required = true };
        var km = new Option<double>("--km") { Description = "Annualised distance, km.", Required = true };
        var region = new Option<string?>("--region") { Description = "Region code for the base rate; the plan's default when left out." };
        var ageBand = new Option<string?>("--age-band") { Description = "Age band for the plan's classical relativities: under25, 25_39, 40_64 or over65; factor 1 when left out." };
        var vehicleClass = new Option<string?>("--vehicle-class") { Description = "Vehicle class for the plan's classical relativities: small, family, suv or performance; factor 1 when left out." };
        var frequency = new Option<double?>("--frequency")
        {
            Description = "The model's annual claim frequency (a score's raw_output), for a plan that prices a telematics_relativity; required there, refused by a score plan.",
        };
        var observedDays = new Option<double?>("--observed-days")
        {
            Description = "Days of driving --frequency rests on: the plan's credibility d / (d + credibility_days); required with --frequency.",
        };
        var features = new Option<string[]>("--feature")
        {
            Description = "A telematics@1 feature value for discount rules, as name=value (repeatable), e.g. --feature night_share=0.03.",
            AllowMultipleArgumentsPerToken = false,
        };

        var command = new Command("price", "Price an annual premium with a pricing plan and print its breakdown.")
        {
            plan, score, km, region, ageBand, vehicleClass, frequency, observedDays, features,
        };

        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (FeatureVector(parse.GetValue(features) ?? [], error) is not { } vector
                || Cell(parse.GetValue(region), parse.GetValue(ageBand), parse.GetValue(vehicleClass), error) is not { } cell)
            {
                return ExitCodes.Usage;
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

            if (!Fits(pricingPlan, parse.GetValue(frequency), parse.GetValue(observedDays), error, out var modelFrequency))
            {
                return ExitCodes.Usage;
            }

            PremiumQuote quote;
            try
            {
                quote = modelFrequency is { } f
                    ? PremiumCalculator.Calculate(pricingPlan, parse.GetValue(score), f, parse.GetValue(km), cell, TelematicsFeatures.Schema, vector)
                    : PremiumCalculator.Calculate(pricingPlan, parse.GetValue(score), parse.GetValue(km), cell, TelematicsFeatures.Schema, vector);
            }
            catch (ArgumentOutOfRangeException e)
            {
                error.WriteLine($"--{e.ParamName switch { "annualKm" => "km", "frequency" => "frequency", var other => other }}: {e.Message.Split(" (Parameter", 2)[0]}");
                return ExitCodes.Usage;
            }

            Print(quote, output);
            return ExitCodes.Success;
        });
        return command;
    }

    // A relativity plan prices a frequency over observed days; a score plan the score alone: either pairing the other way
    // round would be priced wrong, so it is refused naming the option.
    private static bool Fits(PricingPlan plan, double? frequency, double? observedDays, TextWriter error, out ModelFrequency? modelFrequency)
    {
        modelFrequency = null;
        if (plan.Relativity is null)
        {
            if (frequency is not null || observedDays is not null)
            {
                error.WriteLine($"--{(frequency is not null ? "frequency" : "observed-days")}: plan {plan.Name} prices the risk score (risk_multiplier), not a model frequency; leave it out.");
                return false;
            }

            return true;
        }

        if (frequency is not { } annual)
        {
            error.WriteLine($"--frequency: plan {plan.Name} prices the model's claim frequency (telematics_relativity): give the model's annual frequency (a score's raw_output) and --observed-days.");
            return false;
        }

        if (observedDays is not { } days || !double.IsFinite(days) || days < 0)
        {
            error.WriteLine($"--observed-days: plan {plan.Name} credits the frequency by the days of driving it rests on; give them as a finite number ≥ 0.");
            return false;
        }

        if (!double.IsFinite(annual) || annual < 0)
        {
            error.WriteLine("--frequency: a claim frequency must be finite and ≥ 0 claims a year.");
            return false;
        }

        modelFrequency = new ModelFrequency(annual, days);
        return true;
    }

    private static float[]? FeatureVector(string[] pairs, TextWriter error)
    {
        var schema = TelematicsFeatures.Schema;
        var vector = new float[schema.Count];
        Array.Fill(vector, float.NaN);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !double.TryParse(pair.AsSpan(equals + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                error.WriteLine($"--feature '{pair}': expected name=value with a number, e.g. night_share=0.03.");
                return null;
            }

            if (!schema.TryGetIndex(pair[..equals], out var index))
            {
                // A plan's discount rules read telematics@1 features only: another name would be silently ignored.
                error.WriteLine($"--feature '{pair}': '{pair[..equals]}' is not a feature of {schema}, which discount rules read.");
                return null;
            }

            vector[index] = (float)value;
        }

        return vector;
    }

    private static RatingCell? Cell(string? region, string? ageBand, string? vehicleClass, TextWriter error)
    {
        if (ageBand is not null && !RatingFactorCodes.IsAgeBand(ageBand))
        {
            error.WriteLine($"--age-band '{ageBand}': not an age band (one of {string.Join(", ", RatingFactorCodes.AgeBands)}).");
            return null;
        }

        if (vehicleClass is not null && !RatingFactorCodes.IsVehicleClass(vehicleClass))
        {
            error.WriteLine($"--vehicle-class '{vehicleClass}': not a vehicle class (one of {string.Join(", ", RatingFactorCodes.VehicleClasses)}).");
            return null;
        }

        return new RatingCell(region, ageBand, vehicleClass);
    }

    private static void Print(PremiumQuote quote, TextWriter output)
    {
        output.WriteLine($"{quote.PlanName}: {quote.Premium.ToString(CultureInfo.InvariantCulture)} {quote.Currency} a year ({quote.Rounding})");
        foreach (var step in quote.Steps)
        {
            var value = step.Kind == PremiumStepKind.Multiply
                ? "×" + step.Value.ToString(CultureInfo.InvariantCulture)
                : (step.Kind == PremiumStepKind.Add && step.Value >= 0 ? "+" : string.Empty) + step.Value.ToString("0.00####", CultureInfo.InvariantCulture);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {step.Name,-28} {value,14} {step.RunningTotal,14:0.00####}  {step.Detail}"));
        }
    }
}
