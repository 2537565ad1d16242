using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Reliability;

/// <summary>
/// A reminder is a backstop: it wakes a grain that nobody calls after its silo restarted. The grain's own timer does
/// the work while it is active, so an operation must not fail because the reminder service is still starting (it
/// refuses registrations for a while after a silo starts, and longer when its table is slow): the caller keeps the
/// answer and asks again later.
/// </summary>
internal static class ReminderBackstop
{
    /// <summary>Registers (or refreshes) the reminder; false, with a warning logged, if the reminder service refused.</summary>
    public static async Task<bool> TryRegisterAsync(this Grain grain, string name, TimeSpan period, ILogger logger)
    {
        try
        {
            await grain.RegisterOrUpdateReminder(name, period, period);
            return true;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            logger.LogWarning("Reminder {Reminder} of {Grain} not registered yet, will retry: {Reason}", name, grain.GetGrainId(), e.Message);
            return false;
        }
    }

    /// <summary>
    /// Registers reminder <paramref name="name"/> unless the grain has it already, so that registering on every
    /// activation does not push its next tick back; false when the reminder service refused (try again later).
    /// </summary>
    public static async Task<bool> TryEnsureAsync(this Grain grain, string name, TimeSpan period, ILogger logger)
    {
        try
        {
            if (await grain.GetReminder(name) is not null)
                return true;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            logger.LogWarning("Reminder {Reminder} of {Grain} not read yet, will retry: {Reason}", name, grain.GetGrainId(), e.Message);
            return false;
        }
        return await grain.TryRegisterAsync(name, period, logger);
    }

    /// <summary>Removes the reminder if there is one; false, with a warning logged, if the reminder service refused.</summary>
    public static async Task<bool> TryUnregisterAsync(this Grain grain, string name, ILogger logger)
    {
        try
        {
            if (await grain.GetReminder(name) is { } reminder)
                await grain.UnregisterReminder(reminder);
            return true;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            logger.LogWarning("Reminder {Reminder} of {Grain} not removed yet, its next tick retries: {Reason}", name, grain.GetGrainId(), e.Message);
            return false;
        }
    }
}
