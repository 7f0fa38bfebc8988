package io.tcpecho.metrics;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

import org.springframework.integration.support.management.metrics.MeterFacade;
import org.springframework.integration.support.management.metrics.MetricsCaptor;
import org.springframework.integration.support.management.metrics.SampleFacade;
import org.springframework.integration.support.management.metrics.TimerFacade;

/**
 * Spring Integration's Micrometer captor without its per-message timers.
 *
 * <p>With a meter registry present, Spring Integration times every send of every channel, handler
 * and gateway ({@code spring.integration.send}): five timers per echoed frame here, each two clock
 * reads for the sample and more for the timer's rotating max. A clock read costs 20-30 ns on the
 * machine measured, and in a profile of the bulk benchmark clock reads added up to 17% of the
 * connection threads' time; without these timers bulk echoes went up by 13%. The
 * {@code echo.message.duration} timer measures the same path once per frame, so these timers are
 * off unless {@code echo.metrics.integration-timers=true}. Counters and gauges, which are not per
 * frame, still go to Spring Integration's own captor.
 */
final class UntimedIntegrationCaptor implements MetricsCaptor {

    private static final SampleFacade UNTIMED = timer -> { };

    private final MetricsCaptor delegate;

    UntimedIntegrationCaptor(MetricsCaptor delegate) {
        this.delegate = delegate;
    }

    @Override
    public TimerBuilder timerBuilder(String name) {
        return new UntimedBuilder();
    }

    @Override
    public CounterBuilder counterBuilder(String name) {
        return this.delegate.counterBuilder(name);
    }

    @Override
    public GaugeBuilder gaugeBuilder(String name, @Nullable Object obj, ToDoubleFunction<Object> f) {
        return this.delegate.gaugeBuilder(name, obj, f);
    }

    @Override
    public SampleFacade start() {
        return UNTIMED;
    }

    @Override
    public @Nullable MeterFacade removeMeter(MeterFacade facade) {
        return facade instanceof Untimed ? null : this.delegate.removeMeter(facade);
    }

    private static final class UntimedBuilder implements TimerBuilder {

        @Override
        public TimerBuilder tag(String key, String value) {
            return this;
        }

        @Override
        public TimerBuilder description(String desc) {
            return this;
        }

        @Override
        public TimerFacade build() {
            return new Untimed();
        }
    }

    private static final class Untimed implements TimerFacade {

        @Override
        public void record(long time, TimeUnit unit) {
            // not timed
        }
    }
}
