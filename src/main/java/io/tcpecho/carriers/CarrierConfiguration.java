package io.tcpecho.carriers;

import java.lang.management.ManagementFactory;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import jdk.management.VirtualThreadSchedulerMXBean;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CarrierProperties.class)
class CarrierConfiguration {

    @Bean
    @ConditionalOnBooleanProperty(name = "echo.carriers.adaptive", matchIfMissing = true)
    CarrierController carrierController(CarrierProperties properties) {
        return new CarrierController(scheduler(), ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class),
                CarrierRunQueue.ofThisProcess(), properties.sampleInterval());
    }

    /** What the count is now, adaptive or not. */
    @Bean
    MeterBinder carrierThreadsGauge() {
        VirtualThreadSchedulerMXBean scheduler = scheduler();
        return registry -> Gauge.builder("echo.carrier.threads", scheduler, VirtualThreadSchedulerMXBean::getParallelism)
                .description("Carrier threads the virtual-thread scheduler runs connections on (its target parallelism)")
                .register(registry);
    }

    private static VirtualThreadSchedulerMXBean scheduler() {
        return ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
    }
}
