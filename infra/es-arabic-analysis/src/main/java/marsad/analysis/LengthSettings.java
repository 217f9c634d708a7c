package marsad.analysis;

import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.IntSetting;

/** The settings keys of Elasticsearch's built-in length token filter. */
@AnalysisSettings
public interface LengthSettings {

    @IntSetting(path = "min", defaultValue = 0)
    int min();

    @IntSetting(path = "max", defaultValue = Integer.MAX_VALUE)
    int max();
}
